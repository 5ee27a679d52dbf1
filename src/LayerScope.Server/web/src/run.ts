// One loaded run: its manifest, the arrays fetched so far (each fetched once), and the embeddings grouped by layer
// and method into epoch sequences (series.ts).
import { getArray, getManifest } from "./api";
import type { ActivationEntry, Column, EmbeddingEntry, FloatArray, Manifest } from "./api";
import { activationsFor, groupSeries, toPositions } from "./series";
import type { EmbeddingSeries } from "./series";

export type ProgressListener = (name: string, received: number, total: number) => void;

export class Run {
  private readonly arrays = new Map<string, Promise<FloatArray>>();
  private readonly positions = new Map<string, Promise<Float32Array>>();
  /** Grouped once: the series are compared by identity across the panels. */
  readonly series: readonly EmbeddingSeries[];

  private constructor(
    readonly id: string,
    readonly manifest: Manifest,
    private readonly onProgress: ProgressListener,
  ) {
    this.series = groupSeries(manifest.embeddings ?? []);
  }

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

  /** The activations behind an embedding: same layer and epoch, else the same layer's latest. */
  activationsFor(embedding: EmbeddingEntry): ActivationEntry | null {
    return activationsFor(this.manifest.activations ?? [], embedding);
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
      pending = this.array(embedding.array).then(({ values, shape }) => toPositions(embedding, values, shape, this.pointCount));
      pending.catch(() => this.positions.delete(embedding.array));
      this.positions.set(embedding.array, pending);
    }
    return pending;
  }
}
