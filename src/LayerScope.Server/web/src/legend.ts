// The legend beside the scatter: one swatch and name per category (with counts), or a colormap bar with its range.
import { categoryColor, colormap, cssColor, MISSING_COLOR } from "./colors";
import type { Coloring } from "./colors";
import { el, formatNumber, replaceChildren } from "./dom";

/** Draws the legend: one swatch and name per category (with counts), or a colormap bar with its range. */
export function renderLegend(container: HTMLElement, coloring: Coloring): void {
  if (coloring.kind === "plain") {
    replaceChildren(container);
    return;
  }
  const title = el("div", { class: "legend-title" }, coloring.name);
  if (coloring.kind === "category") {
    const counts = new Array<number>(coloring.categories.length + 1).fill(0);
    for (const code of coloring.codes) {
      const c = Number.isInteger(code) && code >= 0 && code < coloring.categories.length ? code : coloring.categories.length;
      counts[c]++;
    }
    const items = coloring.categories.map((name, c) =>
      legendItem(cssColor(categoryColor(c)), name, counts[c]),
    );
    if (counts[coloring.categories.length] > 0)
      items.push(legendItem(cssColor(MISSING_COLOR), "(missing)", counts[coloring.categories.length]));
    replaceChildren(container, title, el("ul", { class: "legend-items" }, ...items));
    return;
  }
  const bar = el("div", { class: "legend-bar" });
  const stops = Array.from({ length: 9 }, (_, s) => cssColor(colormap(s / 8)));
  bar.style.background = `linear-gradient(to right, ${stops.join(", ")})`;
  replaceChildren(
    container,
    title,
    bar,
    el(
      "div",
      { class: "legend-range" },
      el("span", {}, formatNumber(coloring.min)),
      el("span", {}, formatNumber(coloring.max)),
    ),
  );
}

function legendItem(color: string, name: string, count: number): HTMLLIElement {
  const swatch = el("span", { class: "swatch" });
  swatch.style.background = color;
  return el("li", {}, swatch, el("span", { class: "legend-name" }, name), el("span", { class: "legend-count" }, String(count)));
}
