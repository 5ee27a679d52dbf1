// A run's embeddings as the viewer shows them: grouped by layer and method into epoch sequences, the activations
// behind each, the coordinates laid out for the GPU, and the blend between two epochs that play animates.
// Pure (types only from api.ts), so it is unit-tested under Node.
import type { ActivationEntry, EmbeddingEntry } from "./api";

/** The embeddings of one layer and method, in epoch order (a single entry when the run has no epochs). */
export interface EmbeddingSeries {
  layer: string;
  method: string;
  entries: EmbeddingEntry[];
}

/** Groups embeddings by layer and method, in the order each pair first appears, each sorted by epoch. */
export function groupSeries(embeddings: readonly EmbeddingEntry[]): EmbeddingSeries[] {
  const byKey = new Map<string, EmbeddingSeries>();
  for (const e of embeddings) {
    const key = `${e.layer}\u0000${e.method}`;
    let series = byKey.get(key);
    if (!series) byKey.set(key, (series = { layer: e.layer, method: e.method, entries: [] }));
    series.entries.push(e);
  }
  for (const s of byKey.values()) s.entries.sort((a, b) => (a.epoch ?? 0) - (b.epoch ?? 0));
  return [...byKey.values()];
}

/** The activations behind an embedding: same layer and epoch, else the same layer's latest; null when none. */
export function activationsFor(activations: readonly ActivationEntry[], embedding: EmbeddingEntry): ActivationEntry | null {
  const ofLayer = activations.filter((a) => a.layer === embedding.layer);
  if (ofLayer.length === 0) return null;
  const sameEpoch = ofLayer.find((a) => a.epoch === embedding.epoch);
  if (sameEpoch) return sameEpoch;
  return [...ofLayer].sort((a, b) => (b.epoch ?? 0) - (a.epoch ?? 0))[0];
}

/**
 * An embedding's coordinates as N × 3 float32 (z = 0 for 1-D and 2-D), the layout the scatter's GPU buffer takes.
 * Throws when the array does not hold N points of the embedding's dimensions.
 */
export function toPositions(embedding: EmbeddingEntry, values: Float32Array, shape: readonly number[], pointCount: number): Float32Array {
  const n = pointCount;
  const dims = shape.length >= 2 ? shape[1] : embedding.dims;
  if (values.length !== n * dims) throw new Error(`embedding ${embedding.array} has shape [${shape}], not [${n}, ${embedding.dims}]`);
  if (dims === 3) return values;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[3 * i] = values[dims * i];
    out[3 * i + 1] = dims > 1 ? values[dims * i + 1] : 0;
  }
  return out;
}

/** The label under the epoch slider at a (possibly fractional, while playing) position in the series. */
export function epochLabel(entries: readonly EmbeddingEntry[], position: number): string {
  const at = entries[Math.round(position)];
  return at?.epoch !== undefined ? `epoch ${at.epoch}` : entries.length > 1 ? `step ${Math.round(position) + 1}` : "";
}

/**
 * Writes into `out` the positions at a fractional `position` between epochs: linear between the two epochs around
 * it, exactly the last epoch at the end.
 */
export function blendPositions(epochs: readonly Float32Array[], position: number, out: Float32Array): Float32Array {
  const last = epochs.length - 1;
  if (last === 0) {
    out.set(epochs[0]);
    return out;
  }
  const p = Math.min(last, Math.max(0, position));
  const i = Math.min(last - 1, Math.floor(p));
  const t = p - i;
  const a = epochs[i];
  const b = epochs[i + 1];
  for (let j = 0; j < out.length; j++) out[j] = a[j] + (b[j] - a[j]) * t;
  return out;
}
