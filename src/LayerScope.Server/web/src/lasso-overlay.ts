// Shift-drag draws a free-hand lasso, Alt-drag a box, over the scatter. The finished polygon, in pixels relative to
// the scatter's top-left corner, goes to `onSelect`. Pointer events are taken in the capture phase so that the
// scatter's pan and orbit controller never sees a selection drag. The geometry is lasso.ts.
import { boxPolygon, extendPath } from "./lasso";
import type { Pixel } from "./lasso";

const SVG = "http://www.w3.org/2000/svg";

export function attachLasso(container: HTMLElement, onSelect: (polygon: Pixel[]) => void): void {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "lasso");
  const shape = document.createElementNS(SVG, "polygon");
  svg.appendChild(shape);
  container.appendChild(svg);

  let polygon: Pixel[] | null = null;
  let box = false;
  let origin: Pixel = [0, 0];

  const local = (e: PointerEvent): Pixel => {
    const rect = container.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  };
  const draw = () => shape.setAttribute("points", (polygon ?? []).map(([x, y]) => `${x},${y}`).join(" "));

  container.addEventListener(
    "pointerdown",
    (e) => {
      if (e.button !== 0 || !(e.shiftKey || e.altKey)) return;
      e.stopPropagation();
      e.preventDefault();
      box = e.altKey && !e.shiftKey;
      origin = local(e);
      polygon = [origin];
      draw();
      window.addEventListener("pointermove", move, true);
      window.addEventListener("pointerup", up, true);
    },
    true,
  );

  function move(e: PointerEvent): void {
    if (!polygon) return;
    e.stopPropagation();
    const p = local(e);
    polygon = box ? boxPolygon(origin, p) : extendPath(polygon, p);
    draw();
  }

  function up(e: PointerEvent): void {
    e.stopPropagation();
    window.removeEventListener("pointermove", move, true);
    window.removeEventListener("pointerup", up, true);
    const finished = polygon;
    polygon = null;
    draw();
    if (finished && finished.length >= 3) onSelect(finished);
  }
}
