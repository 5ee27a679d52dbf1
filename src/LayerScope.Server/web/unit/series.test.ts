import assert from "node:assert/strict";
import { test } from "node:test";
import type { ActivationEntry, EmbeddingEntry } from "../src/api";
import { activationsFor, blendPositions, epochLabel, groupSeries, toPositions } from "../src/series";

const embedding = (layer: string, method: string, epoch?: number, dims = 2): EmbeddingEntry => ({
  layer,
  method,
  epoch,
  dims,
  array: `${layer}-${method}-${epoch ?? "x"}`,
});

test("embeddings group by layer and method, in first-seen order, each in epoch order", () => {
  const series = groupSeries([
    embedding("a", "pca", 3),
    embedding("b", "pca", 1),
    embedding("a", "tsne", 1),
    embedding("a", "pca", 1),
    embedding("a", "pca", 2),
  ]);
  assert.deepEqual(series.map((s) => `${s.layer}/${s.method}`), ["a/pca", "b/pca", "a/tsne"]);
  assert.deepEqual(series[0].entries.map((e) => e.epoch), [1, 2, 3]);
});

test("an embedding's activations are its layer's at its epoch, else its layer's latest, else none", () => {
  const activations: ActivationEntry[] = [
    { layer: "a", epoch: 1, array: "a1" },
    { layer: "a", epoch: 3, array: "a3" },
    { layer: "a", epoch: 2, array: "a2" },
    { layer: "b", array: "b" },
  ];
  assert.equal(activationsFor(activations, embedding("a", "pca", 2))?.array, "a2");
  assert.equal(activationsFor(activations, embedding("a", "pca", 9))?.array, "a3");
  assert.equal(activationsFor(activations, embedding("b", "pca", 4))?.array, "b");
  assert.equal(activationsFor(activations, embedding("c", "pca", 1)), null);
});

test("2-D coordinates become x, y, 0 per point; 3-D ones are passed through; 1-D ones get y = 0", () => {
  const flat = toPositions(embedding("a", "pca"), new Float32Array([1, 2, 3, 4]), [2, 2], 2);
  assert.deepEqual([...flat], [1, 2, 0, 3, 4, 0]);
  const values = new Float32Array([1, 2, 3, 4, 5, 6]);
  assert.equal(toPositions(embedding("a", "tsne", undefined, 3), values, [2, 3], 2), values);
  assert.deepEqual([...toPositions(embedding("a", "raw", undefined, 1), new Float32Array([7, 8]), [2, 1], 2)], [7, 0, 0, 8, 0, 0]);
});

test("an embedding array of the wrong size is refused with its name and shape", () => {
  assert.throws(() => toPositions(embedding("a", "pca", 1), new Float32Array(5), [5], 3), /a-pca-1 has shape \[5\], not \[3, 2\]/);
});

test("the slider label names the epoch, or the step when the run has no epochs, or nothing for one embedding", () => {
  const epochs = [embedding("a", "pca", 5), embedding("a", "pca", 10)];
  assert.equal(epochLabel(epochs, 0), "epoch 5");
  assert.equal(epochLabel(epochs, 0.6), "epoch 10");
  assert.equal(epochLabel([embedding("a", "pca"), embedding("a", "pca")], 1), "step 2");
  assert.equal(epochLabel([embedding("a", "pca")], 0), "");
});

test("play blends linearly between neighbouring epochs and ends exactly on the last", () => {
  const epochs = [new Float32Array([0, 0, 0]), new Float32Array([10, 20, 0]), new Float32Array([30, 20, 0])];
  const out = new Float32Array(3);
  assert.deepEqual([...blendPositions(epochs, 0.5, out)], [5, 10, 0]);
  assert.deepEqual([...blendPositions(epochs, 1.25, out)], [15, 20, 0]);
  assert.deepEqual([...blendPositions(epochs, 2, out)], [30, 20, 0]);
  assert.deepEqual([...blendPositions(epochs, 7, out)], [30, 20, 0]);
  assert.deepEqual([...blendPositions(epochs, -1, out)], [0, 0, 0]);
  assert.deepEqual([...blendPositions([epochs[1]], 0.5, out)], [10, 20, 0]);
});
