// A network's training dynamics as `GET /api/runs/{id}/dynamics/{index}` answers them (docs/viewer.md), and the
// geometry of the dynamics panel's plots: curves, TensorBoard's distribution bands and histogram ridges, and which
// epoch a click at some x means. Pure (no DOM), so it is unit-tested under Node.

/** A number as the server writes it: numbers, or "NaN" / "Infinity" / "-Infinity" for values that do not apply. */
export type Num = number | string;

export interface DynamicsCheckpoint {
  epoch: number;
  step: number;
  trainLoss: Num;
  trainAccuracy?: Num | null;
  heldOutLoss?: Num | null;
  heldOutAccuracy?: Num | null;
  learningRate: Num;
}

export type HistogramKind = "Weights" | "Biases" | "WeightGradients" | "BiasGradients" | "Activations";

export interface DynamicsSeries {
  kind: HistogramKind;
  epochs: number[];
  binWidth: Num;
  histograms: { firstBin: number; counts: number[]; count: number }[];
  /** Per level, the value at that quantile for every epoch. */
  bands: Num[][];
}

export interface DynamicsLayer {
  name: string;
  moduleType: string;
  gradientNorms: Num[];
  updateRatios: Num[];
  series: DynamicsSeries[];
}

export interface LayerHealth {
  layer: string;
  moduleType: string;
  units?: number | null;
  deadUnits: number[];
  gradientNorm: Num;
  updateRatio: Num;
  vanishing: boolean;
  exploding: boolean;
}

export interface Dynamics {
  network: string;
  lossName: string;
  checkpoints: DynamicsCheckpoint[];
  gradientNorms: Num[];
  levels: number[];
  layers: DynamicsLayer[];
  health: LayerHealth[];
}

/** A served number as a JavaScript number: "NaN" → NaN, "Infinity" → Infinity; null and undefined → NaN. */
export function num(value: Num | null | undefined): number {
  if (value === null || value === undefined) return Number.NaN;
  return typeof value === "number" ? value : Number(value);
}

/** What a series counts, for labels. */
export const KIND_NAMES: Record<HistogramKind, string> = {
  Weights: "weights",
  Biases: "biases",
  WeightGradients: "weight gradients",
  BiasGradients: "bias gradients",
  Activations: "activations",
};

/** The order series are offered in: weights first, as the report draws them. */
const KIND_ORDER: HistogramKind[] = ["Weights", "WeightGradients", "Activations", "Biases", "BiasGradients"];

/** A layer's series with at least one value, in the order offered. */
export function drawableSeries(layer: DynamicsLayer): DynamicsSeries[] {
  return layer.series
    .filter((s) => s.histograms.some((h) => h.count > 0))
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
}

/** One line of a curve plot: a name and a value per checkpoint (NaN where it does not apply). */
export interface Curve {
  name: string;
  epochs: number[];
  values: number[];
}

/** The loss curves (train, and held-out when measured) and the accuracy curves (empty when none was measured). */
export function curves(dynamics: Dynamics, heldOutName = "held-out"): { loss: Curve[]; accuracy: Curve[] } {
  const epochs = dynamics.checkpoints.map((c) => c.epoch);
  const line = (name: string, pick: (c: DynamicsCheckpoint) => Num | null | undefined): Curve => ({
    name,
    epochs,
    values: dynamics.checkpoints.map((c) => num(pick(c))),
  });
  const measured = (c: Curve) => c.values.some(Number.isFinite);
  return {
    loss: [line("train", (c) => c.trainLoss), line(heldOutName, (c) => c.heldOutLoss)].filter(measured),
    accuracy: [line("train", (c) => c.trainAccuracy), line(heldOutName, (c) => c.heldOutAccuracy)].filter(measured),
  };
}

/** The finite range of values, widened when empty or a single value so a scale can be made from it. */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return [0, 1];
  if (lo === hi) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.05 : 0.5;
    return [lo - pad, hi + pad];
  }
  return [lo, hi];
}

/** A linear map of [d0, d1] onto [r0, r1]. */
export function linear(domain: [number, number], range: [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** The epoch axis of a plot of `epochs`: half an epoch of room either side when there is only one. */
export function epochDomain(epochs: readonly number[]): [number, number] {
  if (epochs.length === 0) return [0, 1];
  const lo = Math.min(...epochs);
  const hi = Math.max(...epochs);
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/** The epoch of `epochs` nearest to `x` (in epoch units); null when there is none. */
export function nearestEpoch(epochs: readonly number[], x: number): number | null {
  let best: number | null = null;
  for (const e of epochs) if (best === null || Math.abs(e - x) < Math.abs(best - x)) best = e;
  return best;
}

/**
 * The nested bands of a distribution plot: level i paired with its mirror (n − 1 − i), outermost first, each as the
 * lower and upper values per epoch; and the median. Levels must be symmetric with the median in the middle.
 */
export function bandPairs(series: DynamicsSeries): { lower: number[]; upper: number[] }[] {
  const n = series.bands.length;
  const pairs: { lower: number[]; upper: number[] }[] = [];
  for (let i = 0; i < Math.floor(n / 2); i++) pairs.push({ lower: series.bands[i].map(num), upper: series.bands[n - 1 - i].map(num) });
  return pairs;
}

/** The median line of a distribution plot (the middle level). */
export function median(series: DynamicsSeries): number[] {
  return (series.bands[Math.floor(series.bands.length / 2)] ?? []).map(num);
}

/** One ridge of a histogram plot: the epoch, and its outline as (value, count) corners, zero at both ends. */
export interface Ridge {
  epoch: number;
  points: [number, number][];
}

/**
 * The ridges of a histogram plot, first epoch first: each histogram's outline as a step curve over its bins
 * ([k·w, (k+1)·w) for k = firstBin …), from 0 up to every bin's count and back to 0. Bins are shared across epochs
 * (docs/viewer.md), so ridges are comparable on one value axis.
 */
export function ridges(series: DynamicsSeries): Ridge[] {
  const w = num(series.binWidth);
  return series.histograms.map((h, i) => {
    const points: [number, number][] = [];
    if (h.counts.length > 0) {
      points.push([h.firstBin * w, 0]);
      h.counts.forEach((c, k) => {
        points.push([(h.firstBin + k) * w, c]);
        points.push([(h.firstBin + k + 1) * w, c]);
      });
      points.push([(h.firstBin + h.counts.length) * w, 0]);
    }
    return { epoch: series.epochs[i], points };
  });
}

/** The flags of a health row, as the report words them; empty when the layer is healthy. */
export function flags(health: LayerHealth): string[] {
  const out: string[] = [];
  if (health.deadUnits.length > 0) out.push("dead units");
  if (health.vanishing) out.push("vanishing gradient");
  if (health.exploding) out.push("exploding gradient");
  return out;
}
