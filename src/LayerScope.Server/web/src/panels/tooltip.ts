// The hover tooltip: the point's title at once, its input and columns when they arrive (unless the pointer has
// moved on to another point by then).
import { byId, el, replaceChildren } from "../dom";
import { renderPointDetail } from "../inputs";
import type { PointDetails } from "./point-details";
import { renderRelevance } from "./relevance";

export class Tooltip {
  private hovered: number | null = null;
  private readonly tooltip = byId("tooltip");
  private readonly scatter = byId("scatter");

  constructor(private readonly details: PointDetails) {
    this.scatter.addEventListener("pointerleave", () => this.hover(null, 0, 0));
  }

  /** The pointer is over point `index` (null: over none) at (x, y) relative to the scatter. */
  hover(index: number | null, x: number, y: number): void {
    const tooltip = this.tooltip;
    if (index === null) {
      this.hovered = null;
      tooltip.hidden = true;
      tooltip.removeAttribute("data-index");
      return;
    }
    const rect = this.scatter.getBoundingClientRect();
    tooltip.style.left = `${Math.min(x + 14, Math.max(0, rect.width - 340))}px`;
    tooltip.style.top = `${Math.min(y + 14, Math.max(0, rect.height - 200))}px`;
    if (index === this.hovered) return;
    this.hovered = index;
    tooltip.hidden = false;
    tooltip.setAttribute("data-index", String(index));
    replaceChildren(tooltip, el("div", { class: "point-title" }, `point ${index}`));
    this.details
      .get(index)
      .then((detail) => {
        if (this.hovered !== index) return;
        replaceChildren(tooltip, renderPointDetail(detail), ...renderRelevance(detail));
        tooltip.setAttribute("data-loaded", String(index));
      })
      .catch((error: unknown) => {
        if (this.hovered === index) replaceChildren(tooltip, el("div", { class: "error" }, String(error)));
      });
  }
}
