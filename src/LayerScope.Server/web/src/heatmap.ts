// The mean activation of a selection as a heatmap: [U] as one strip of units, [T, U] as units (rows) × time
// (columns), on the viridis colormap with its range written underneath.
import type { MeanActivation } from "./api";
import { colormap } from "./colors";
import { el, formatNumber } from "./dom";

const MAX_WIDTH = 300;
const MAX_HEIGHT = 220;

export function renderHeatmap(mean: MeanActivation, caption: string): HTMLElement {
  const [steps, units] = mean.shape.length === 2 ? [mean.shape[0], mean.shape[1]] : [1, mean.shape[0] ?? mean.mean.length];
  const columns = mean.shape.length === 2 ? steps : units;
  const rows = mean.shape.length === 2 ? units : 1;
  const valueAt = (row: number, column: number) =>
    mean.shape.length === 2 ? mean.mean[column * units + row] : mean.mean[column];

  let min = Infinity;
  let max = -Infinity;
  for (const v of mean.mean) if (Number.isFinite(v)) { min = Math.min(min, v); max = Math.max(max, v); }
  if (!Number.isFinite(min)) { min = 0; max = 1; }
  const span = max - min || 1;

  const cellWidth = Math.max(1, Math.floor(MAX_WIDTH / Math.max(1, columns)));
  const cellHeight = rows === 1 ? 24 : Math.max(1, Math.min(12, Math.floor(MAX_HEIGHT / rows)));
  const canvas = el("canvas", {
    class: "heatmap",
    width: String(columns * cellWidth),
    height: String(rows * cellHeight),
    "data-shape": mean.shape.join(","),
    "data-rows": String(rows),
    "data-columns": String(columns),
  });
  const context = canvas.getContext("2d");
  if (context) {
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < columns; c++) {
        const [red, green, blue] = colormap((valueAt(r, c) - min) / span);
        context.fillStyle = `rgb(${red | 0}, ${green | 0}, ${blue | 0})`;
        context.fillRect(c * cellWidth, r * cellHeight, cellWidth, cellHeight);
      }
  }
  const axes = mean.shape.length === 2 ? `${units} units (rows) × ${steps} time steps (columns)` : `${units} units`;
  return el(
    "figure",
    { class: "heatmap-figure" },
    canvas,
    el("figcaption", {}, `${caption}: ${axes}; range ${formatNumber(min)} to ${formatNumber(max)}`),
  );
}
