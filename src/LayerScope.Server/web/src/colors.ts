// Colors per point: a category palette for category columns, a perceptual colormap for numeric columns. Pure, so it
// is unit-tested under Node; legend.ts draws the legend that explains them.

export type Rgb = [number, number, number];

/**
 * Category10 (D3's and Matplotlib's "tab10"): class k gets color k mod 10. The PNG figures use the same list in the
 * same order (src/LayerScope.Core/Rendering/Colormaps/Category10Palette.cs), so a class has one color in the viewer
 * and in the report; a test in tests/LayerScope.Viewer.Tests reads both lists and fails when they drift.
 */
export const CATEGORY_PALETTE_HEX: readonly string[] = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
];

/** "#rrggbb" as [r, g, b] bytes. */
export function hexToRgb(hex: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb color: ${hex}`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

const CATEGORY_PALETTE: readonly Rgb[] = CATEGORY_PALETTE_HEX.map(hexToRgb);
export const MISSING_COLOR: Rgb = [90, 90, 90];
export const PLAIN_COLOR: Rgb = [78, 121, 167];

/** Viridis, sampled at 9 stops and interpolated linearly. */
const VIRIDIS: Rgb[] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/** The color of category `code` (a class index, 0 or more): the palette cycles, as the PNG figures' palette does. */
export function categoryColor(code: number): Rgb {
  return CATEGORY_PALETTE[code % CATEGORY_PALETTE.length];
}

/** Viridis at t in [0, 1]. */
export function colormap(t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export function cssColor([r, g, b]: Rgb): string {
  return `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
}

/** What the points are colored by. */
export type Coloring =
  | { kind: "plain" }
  | { kind: "category"; name: string; codes: Float32Array; categories: string[] }
  | { kind: "number"; name: string; values: Float32Array; min: number; max: number };

export function numberColoring(name: string, values: Float32Array): Coloring {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (!Number.isFinite(min)) {
    min = 0;
    max = 1;
  }
  return { kind: "number", name, values, min, max };
}

/** Fills `out` (N × 4 bytes, RGBA) with each point's color; alpha is left at 255 (opacity is a layer setting). */
export function fillColors(coloring: Coloring, out: Uint8Array): void {
  const n = out.length / 4;
  if (coloring.kind === "plain") {
    for (let i = 0; i < n; i++) setRgb(out, i, PLAIN_COLOR);
    return;
  }
  if (coloring.kind === "category") {
    const count = coloring.categories.length;
    // One lookup table instead of a palette call per point: this runs over a million points on every change.
    const table = new Uint8Array((count + 1) * 3);
    for (let c = 0; c <= count; c++) table.set(c < count ? categoryColor(c) : MISSING_COLOR, c * 3);
    for (let i = 0; i < n; i++) {
      const code = coloring.codes[i];
      const c = Number.isInteger(code) && code >= 0 && code < count ? code : count;
      out[i * 4] = table[c * 3];
      out[i * 4 + 1] = table[c * 3 + 1];
      out[i * 4 + 2] = table[c * 3 + 2];
      out[i * 4 + 3] = 255;
    }
    return;
  }
  const span = coloring.max - coloring.min || 1;
  const steps = 256;
  const table = new Uint8Array(steps * 3);
  for (let s = 0; s < steps; s++) table.set(colormap(s / (steps - 1)).map(Math.round), s * 3);
  for (let i = 0; i < n; i++) {
    const v = coloring.values[i];
    if (!Number.isFinite(v)) {
      setRgb(out, i, MISSING_COLOR);
      continue;
    }
    const s = Math.min(steps - 1, Math.max(0, Math.round(((v - coloring.min) / span) * (steps - 1))));
    out[i * 4] = table[s * 3];
    out[i * 4 + 1] = table[s * 3 + 1];
    out[i * 4 + 2] = table[s * 3 + 2];
    out[i * 4 + 3] = 255;
  }
}

function setRgb(out: Uint8Array, i: number, [r, g, b]: Rgb): void {
  out[i * 4] = r;
  out[i * 4 + 1] = g;
  out[i * 4 + 2] = b;
  out[i * 4 + 3] = 255;
}
