// One loaded run: its manifest, the arrays fetched so far (each fetched once), and the embeddings grouped by layer
// and method into epoch sequences.
import { getArray, getManifest } from "./api";
import type { ActivationEntry, Column, EmbeddingEntry, FloatArray, Manifest } from "./api";

/** The embeddings of one layer and method, in epoch order (a single entry when the run has no epochs). */
export interface EmbeddingSeries {
  layer: string;
  method: string;
  entries: EmbeddingEntry[];
}

export type ProgressListener = (name: string, received: number, total: number) => void;

export class Run {
  private readonly arrays = new Map<string, Promise<FloatArray>>();
  private readonly positions = new Map<string, Promise<Float32Array>>();

  private constructor(
    readonly id: string,
    readonly manifest: Manifest,
    private readonly onProgress: ProgressListener,
  ) {}

  static async load(id: string, onProgress: ProgressListener): Promise<Run> {
    return new Run(id, await getManifest(id), onProgress);
  }

  get pointCount(): number {
    return this.manifest.points;
  }

  /** Columns the points can be colored by (text columns are searchable but have no color). */
  get colorColumns(): Column[] {
    return (this.manifest.columns ?? []).filter((c) => c.kind === "category" || c.kind === "number");
  }

  get series(): EmbeddingSeries[] {
    const byKey = new Map<string, EmbeddingSeries>();
    for (const e of this.manifest.embeddings ?? []) {
      const key = `${e.layer}\u0000${e.method}`;
      let series = byKey.get(key);
      if (!series) byKey.set(key, (series = { layer: e.layer, method: e.method, entries: [] }));
      series.entries.push(e);
    }
    for (const s of byKey.values()) s.entries.sort((a, b) => (a.epoch ?? 0) - (b.epoch ?? 0));
    return [...byKey.values()];
  }

  /** The activations behind an embedding: same layer and epoch, else the same layer's latest. */
  activationsFor(embedding: EmbeddingEntry): ActivationEntry | null {
    const ofLayer = (this.manifest.activations ?? []).filter((a) => a.layer === embedding.layer);
    if (ofLayer.length === 0) return null;
    const sameEpoch = ofLayer.find((a) => a.epoch === embedding.epoch);
    if (sameEpoch) return sameEpoch;
    return [...ofLayer].sort((a, b) => (b.epoch ?? 0) - (a.epoch ?? 0))[0];
  }

  array(name: string): Promise<FloatArray> {
    let pending = this.arrays.get(name);
    if (!pending) {
      pending = getArray(this.id, name, (received, total) => this.onProgress(name, received, total));
      pending.catch(() => this.arrays.delete(name));
      this.arrays.set(name, pending);
    }
    return pending;
  }

  /** An embedding's coordinates as N × 3 float32 (z = 0 for 2-D), the layout the scatter's GPU buffer takes. */
  embeddingPositions(embedding: EmbeddingEntry): Promise<Float32Array> {
    let pending = this.positions.get(embedding.array);
    if (!pending) {
      pending = this.array(embedding.array).then(({ values, shape }) => {
        const n = this.pointCount;
        const dims = shape.length >= 2 ? shape[1] : embedding.dims;
        if (values.length !== n * dims) throw new Error(`embedding ${embedding.array} has shape [${shape}], not [${n}, ${embedding.dims}]`);
        if (dims === 3) return values;
        const out = new Float32Array(n * 3);
        for (let i = 0; i < n; i++) {
          out[3 * i] = values[dims * i];
          out[3 * i + 1] = dims > 1 ? values[dims * i + 1] : 0;
        }
        return out;
      });
      pending.catch(() => this.positions.delete(embedding.array));
      this.positions.set(embedding.array, pending);
    }
    return pending;
  }
}
