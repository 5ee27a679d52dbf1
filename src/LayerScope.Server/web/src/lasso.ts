// Shift-drag draws a free-hand lasso, Alt-drag a box, over the scatter. The finished polygon, in pixels relative to
// the scatter's top-left corner, goes to `onSelect`. Pointer events are taken in the capture phase so that the
// scatter's pan and orbit controller never sees a selection drag.
const SVG = "http://www.w3.org/2000/svg";

export function attachLasso(container: HTMLElement, onSelect: (polygon: [number, number][]) => void): void {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "lasso");
  const shape = document.createElementNS(SVG, "polygon");
  svg.appendChild(shape);
  container.appendChild(svg);

  let polygon: [number, number][] | null = null;
  let box = false;
  let origin: [number, number] = [0, 0];

  const local = (e: PointerEvent): [number, number] => {
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
    if (box) {
      const [x0, y0] = origin;
      polygon = [[x0, y0], [p[0], y0], [p[0], p[1]], [x0, p[1]]];
    } else {
      const last = polygon[polygon.length - 1];
      if (Math.hypot(p[0] - last[0], p[1] - last[1]) >= 2) polygon.push(p);
    }
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
