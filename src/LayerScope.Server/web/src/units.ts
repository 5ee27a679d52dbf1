// Pure geometry and scaling of the units view (panels/units.ts): where a channel's receptive-field patch lies on a
// drawn image, and how a feature map's values become grey levels. No DOM here, so unit/units.test.ts can run it.

/** A receptive-field patch in input pixels (docs/viewer.md, "units"): may start in the padding (negative top/left). */
export interface PatchBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** A rectangle on a canvas, in canvas pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The part of `box` inside a `width` × `height` image drawn at `scale` canvas pixels per input pixel, or null when
 * none of it is. Padding is not drawn, so the outline shows the pixels the unit actually saw.
 */
export function patchRect(box: PatchBox, width: number, height: number, scale: number): Rect | null {
  const left = Math.max(0, box.left);
  const top = Math.max(0, box.top);
  const right = Math.min(width, box.left + box.width);
  const bottom = Math.min(height, box.top + box.height);
  if (right <= left || bottom <= top) return null;
  return { x: left * scale, y: top * scale, width: (right - left) * scale, height: (bottom - top) * scale };
}

/** The smallest and largest finite value, [0, 0] when there is none. */
export function finiteRange(values: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? [min, max] : [0, 0];
}

/**
 * Grey levels 0–255 of `values` over [min, max] (black at min, white at max); a constant map is mid-grey so that it
 * does not read as "strong everywhere", and a value that is not finite is 0.
 */
export function greyLevels(values: ArrayLike<number>, min: number, max: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length);
  const span = max - min;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) out[i] = 0;
    else out[i] = span > 0 ? Math.round(((v - min) / span) * 255) : 128;
  }
  return out;
}

/** Columns of a near-square grid of `count` tiles no wider than `maxColumns`. */
export function tileColumns(count: number, maxColumns = 8): number {
  if (count <= 0) return 1;
  return Math.max(1, Math.min(maxColumns, Math.ceil(Math.sqrt(count))));
}

/** What a channel's synthesis raised and by how much (docs/viewer.md, "units": `synthesisScores`). */
export interface SynthesisScore {
  objective: string;
  before: number;
  after: number;
  mean: number;
  /** after / mean, or NaN when the data mean is not positive (a ratio to 0 or a negative mean says nothing). */
  ratio: number;
}

/** Channel `channel`'s score from a units answer's synthesis, or null when the run stores none (older runs). Values
 * the server wrote as the string "NaN" become NaN. */
export function synthesisScore(
  synthesis: { objective?: string; before?: (number | string)[]; after?: (number | string)[]; mean?: (number | string)[] } | null,
  channel: number,
): SynthesisScore | null {
  if (!synthesis?.before || !synthesis.after || !synthesis.mean) return null;
  const before = Number(synthesis.before[channel]);
  const after = Number(synthesis.after[channel]);
  const mean = Number(synthesis.mean[channel]);
  return { objective: synthesis.objective ?? "objective", before, after, mean, ratio: mean > 0 && Number.isFinite(after) ? after / mean : NaN };
}

/** The ratio in words: "12.3×", "–" when there is none. */
export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio >= 100 ? ratio.toFixed(0) : ratio.toFixed(1)}×` : "–";
}
