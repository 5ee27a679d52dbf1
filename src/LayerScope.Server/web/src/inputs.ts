// Shows the input behind a point: a text with the span it stands for, a grey image, a sequence as sparklines, or a
// table of input values. Used by the hover tooltip and, in short form, by the neighbour and selection lists.
import type { PointDetail, PointInput } from "./api";
import { el, formatNumber } from "./dom";

const SVG = "http://www.w3.org/2000/svg";

/** The full preview for the tooltip: the input, then the point's metadata columns. */
export function renderPointDetail(detail: PointDetail): HTMLElement {
  const root = el("div", { class: "point-detail", "data-index": String(detail.index) });
  root.appendChild(el("div", { class: "point-title" }, `point ${detail.index}`));
  if (detail.input) root.appendChild(renderInput(detail.input));
  const rows = Object.entries(detail.columns ?? {}).map(([name, value]) =>
    el("tr", {}, el("th", {}, name), el("td", {}, typeof value === "number" ? formatNumber(value) : String(value ?? "–"))),
  );
  if (rows.length > 0) root.appendChild(el("table", { class: "columns" }, el("tbody", {}, ...rows)));
  return root;
}

export function renderInput(input: PointInput): HTMLElement {
  switch (input.kind) {
    case "text":
      return renderText(input.text, input.highlight ?? null);
    case "image":
      return renderImage(input.width, input.height, input.pixels, 4);
    case "sequence":
      return renderSequence(input.values, input.names ?? [], 260, 90);
    case "values":
      return renderValues(input.values, input.names ?? []);
  }
}

/** One line summarising an input, for lists. */
export function summarizeInput(detail: PointDetail): Node {
  const input = detail.input;
  if (!input) return document.createTextNode(summarizeColumns(detail));
  switch (input.kind) {
    case "text": {
      const [start, length] = input.highlight ?? [0, 0];
      const text = input.text;
      // Show the neighbourhood of the highlighted span, which is what the point stands for.
      const from = Math.max(0, Math.min(start, text.length) - 30);
      const shown = text.slice(from, from + 90);
      return renderText((from > 0 ? "…" : "") + shown, input.highlight ? [start - from + (from > 0 ? 1 : 0), length] : null, "summary");
    }
    case "image":
      return renderImage(input.width, input.height, input.pixels, 1);
    case "sequence":
      return renderSequence(input.values, input.names ?? [], 90, 24);
    case "values":
      return document.createTextNode(input.values.slice(0, 6).map(formatNumber).join(", ") + (input.values.length > 6 ? ", …" : ""));
  }
}

export function summarizeColumns(detail: PointDetail): string {
  return Object.entries(detail.columns ?? {})
    .map(([name, value]) => `${name}: ${typeof value === "number" ? formatNumber(value) : String(value ?? "–")}`)
    .join(" · ");
}

function renderText(text: string, highlight: [number, number] | null, className = "input-text"): HTMLElement {
  const root = el("div", { class: className });
  if (!highlight || highlight[1] <= 0) {
    root.textContent = text;
    return root;
  }
  const start = Math.max(0, Math.min(text.length, highlight[0]));
  const end = Math.max(start, Math.min(text.length, highlight[0] + highlight[1]));
  root.append(text.slice(0, start), el("mark", {}, text.slice(start, end)), text.slice(end));
  return root;
}

function renderImage(width: number, height: number, pixels: number[], scale: number): HTMLCanvasElement {
  const canvas = el("canvas", { class: "input-image", width: String(width), height: String(height) });
  canvas.style.width = `${width * scale}px`;
  canvas.style.height = `${height * scale}px`;
  const context = canvas.getContext("2d");
  if (!context || width <= 0 || height <= 0) return canvas;
  const image = context.createImageData(width, height);
  let max = 0;
  for (const v of pixels) if (v > max) max = v;
  const scaleBy = max > 1 ? 255 / max : 255;
  for (let i = 0; i < width * height; i++) {
    const g = Math.round(Math.min(255, Math.max(0, (pixels[i] ?? 0) * scaleBy)));
    image.data.set([g, g, g, 255], i * 4);
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

const SPARK_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

/** One polyline per feature over the time steps, all on a shared vertical scale. */
function renderSequence(values: number[][], names: string[], width: number, height: number): HTMLElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "sparkline");
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const steps = values.length;
  const features = steps > 0 ? values[0].length : 0;
  let min = Infinity;
  let max = -Infinity;
  for (const row of values) for (const v of row) if (Number.isFinite(v)) { min = Math.min(min, v); max = Math.max(max, v); }
  const span = max - min || 1;
  for (let f = 0; f < features; f++) {
    const points = values.map((row, t) => {
      const x = steps > 1 ? (t / (steps - 1)) * (width - 2) + 1 : width / 2;
      const y = height - 1 - ((row[f] - min) / span) * (height - 2);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    });
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", points.join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", SPARK_COLORS[f % SPARK_COLORS.length]);
    line.setAttribute("stroke-width", "1.2");
    const title = document.createElementNS(SVG, "title");
    title.textContent = names[f] ?? `feature ${f}`;
    line.appendChild(title);
    svg.appendChild(line);
  }
  const root = el("div", { class: "input-sequence" });
  root.appendChild(svg);
  root.appendChild(el("div", { class: "caption" }, `${steps} steps × ${features} features`));
  return root;
}

function renderValues(values: number[], names: string[]): HTMLElement {
  const rows = values.map((v, i) => el("tr", {}, el("th", {}, names[i] ?? `x${i}`), el("td", {}, formatNumber(v))));
  return el("table", { class: "input-values" }, el("tbody", {}, ...rows));
}
