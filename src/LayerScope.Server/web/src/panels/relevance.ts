// A point's relevance map (docs/viewer.md, "relevance"): which input elements pushed the explained class's score up
// (red) or down (blue), drawn beside the input in the hover tooltip. Colors are centred at 0 (white) and scaled by
// the point's own largest |value|, so every map uses the whole range and 0 always means "no influence".
import type { PointDetail, PointRelevance } from "../api";
import { el, formatNumber } from "../dom";

/** RdBu's ends (ColorBrewer): the strongest negative and positive relevance. */
const NEGATIVE: readonly [number, number, number] = [33, 102, 172];
const POSITIVE: readonly [number, number, number] = [178, 24, 43];

/** The color of `value` on a diverging map over [−extent, extent]: white at 0, blended toward blue or red. */
export function divergingColor(value: number, extent: number): [number, number, number] {
  if (!Number.isFinite(value) || !(extent > 0)) return [255, 255, 255];
  const t = Math.min(1, Math.abs(value) / extent);
  const end = value < 0 ? NEGATIVE : POSITIVE;
  return [0, 1, 2].map((k) => Math.round(255 + (end[k] - 255) * t)) as [number, number, number];
}

/** The relevance view of a hovered point, or nothing when the run has no relevance maps. */
export function renderRelevance(detail: PointDetail): HTMLElement[] {
  const relevance = detail.relevance;
  if (!relevance) return [];
  let extent = 0;
  for (const v of relevance.values) if (Number.isFinite(v)) extent = Math.max(extent, Math.abs(v));
  const input = detail.input;
  const map =
    input?.kind === "image"
      ? grid(relevance, input.height, input.width, extent, 4)
      : input?.kind === "sequence"
        ? grid(relevance, input.values.length, input.values[0]?.length ?? 0, extent, 6)
        : bars(relevance, input?.kind === "values" ? (input.names ?? []) : [], extent);
  map.setAttribute("data-index", String(detail.index));
  map.setAttribute("data-method", relevance.method);
  map.setAttribute("data-target", String(relevance.target));
  map.setAttribute("data-extent", String(extent));
  const caption = `${relevance.method} toward class ${relevance.target}: red for, blue against, ±${formatNumber(extent)}`;
  return [el("figure", { class: "relevance" }, map, el("figcaption", {}, caption))];
}

/** Rows × columns of cells (an image's pixels, a sequence's steps × features), one canvas pixel per value. */
function grid(relevance: PointRelevance, rows: number, columns: number, extent: number, scale: number): HTMLElement {
  const canvas = el("canvas", { class: "relevance-map", width: String(columns), height: String(rows) });
  canvas.style.width = `${columns * scale}px`;
  canvas.style.height = `${rows * scale}px`;
  canvas.style.imageRendering = "pixelated";
  const context = canvas.getContext("2d");
  if (!context || rows <= 0 || columns <= 0) return canvas;
  const image = context.createImageData(columns, rows);
  for (let i = 0; i < rows * columns; i++) image.data.set([...divergingColor(relevance.values[i] ?? 0, extent), 255], i * 4);
  context.putImageData(image, 0, 0);
  return canvas;
}

/** One row per input feature: its name, its relevance and a bar from the middle (left negative, right positive). */
function bars(relevance: PointRelevance, names: string[], extent: number): HTMLElement {
  const rows = relevance.values.map((v, i) => {
    const [r, g, b] = divergingColor(v, extent);
    const bar = el("span", { class: "relevance-bar" });
    const share = extent > 0 ? Math.min(1, Math.abs(v) / extent) : 0;
    bar.style.background = `rgb(${r}, ${g}, ${b})`;
    bar.style.width = `${(share * 50).toFixed(1)}%`;
    bar.style.marginLeft = v < 0 ? `${(50 - share * 50).toFixed(1)}%` : "50%";
    return el("tr", {}, el("th", {}, names[i] ?? `x${i}`), el("td", {}, formatNumber(v)), el("td", { class: "relevance-track" }, bar));
  });
  return el("table", { class: "relevance-map relevance-values" }, el("tbody", {}, ...rows));
}
