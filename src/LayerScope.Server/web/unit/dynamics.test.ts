import assert from "node:assert/strict";
import { test } from "node:test";
import type { Dynamics, DynamicsSeries } from "../src/dynamics";
import { bandPairs, curves, drawableSeries, epochDomain, extent, flags, median, nearestEpoch, num, ridges } from "../src/dynamics";

const series = (over: Partial<DynamicsSeries> = {}): DynamicsSeries => ({
  kind: "Weights",
  epochs: [1, 2],
  binWidth: 0.5,
  histograms: [
    { firstBin: -2, counts: [1, 3], count: 4 },
    { firstBin: -1, counts: [2, 0, 5], count: 7 },
  ],
  bands: [[-1, -0.5], [-0.5, 0], [0, 0.25], [0.5, 0.5], [1, 1]],
  ...over,
});

test("served numbers become numbers, with the strings NaN and Infinity and missing values as NaN and Infinity", () => {
  assert.equal(num(0.25), 0.25);
  assert.ok(Number.isNaN(num("NaN")));
  assert.equal(num("Infinity"), Number.POSITIVE_INFINITY);
  assert.equal(num("-Infinity"), Number.NEGATIVE_INFINITY);
  assert.ok(Number.isNaN(num(null)));
  assert.ok(Number.isNaN(num(undefined)));
});

test("a ridge is the step outline of its histogram's bins, from zero and back to zero", () => {
  const [first, second] = ridges(series());
  assert.equal(first.epoch, 1);
  // Bins [-1, -0.5) with 1 and [-0.5, 0) with 3.
  assert.deepEqual(first.points, [[-1, 0], [-1, 1], [-0.5, 1], [-0.5, 3], [0, 3], [0, 0]]);
  assert.equal(second.epoch, 2);
  assert.deepEqual(second.points[0], [-0.5, 0]);
  assert.deepEqual(second.points[second.points.length - 1], [1, 0]);
  assert.deepEqual(ridges(series({ histograms: [{ firstBin: 0, counts: [], count: 0 }], epochs: [1] }))[0].points, []);
});

test("bands pair each level with its mirror, outermost first, around the median", () => {
  const pairs = bandPairs(series());
  assert.deepEqual(pairs.map((p) => [p.lower, p.upper]), [[[-1, -0.5], [1, 1]], [[-0.5, 0], [0.5, 0.5]]]);
  assert.deepEqual(median(series()), [0, 0.25]);
});

test("a click's x means the nearest epoch; one epoch gets half an epoch of room either side", () => {
  assert.equal(nearestEpoch([1, 2, 3], 2.4), 2);
  assert.equal(nearestEpoch([1, 2, 3], 2.6), 3);
  assert.equal(nearestEpoch([], 1), null);
  assert.deepEqual(epochDomain([4]), [3.5, 4.5]);
  assert.deepEqual(epochDomain([1, 5, 3]), [1, 5]);
});

test("the value range skips non-finite values and widens a single value", () => {
  assert.deepEqual(extent([1, Number.NaN, 3, Number.POSITIVE_INFINITY]), [1, 3]);
  assert.deepEqual(extent([2]), [1.9, 2.1]);
  assert.deepEqual(extent([]), [0, 1]);
});

test("curves keep only what was measured: a language model has loss but no accuracy or held-out set", () => {
  const dynamics: Dynamics = {
    network: "lm",
    lossName: "cross-entropy",
    checkpoints: [
      { epoch: 1, step: 10, trainLoss: 2, learningRate: 0.01 },
      { epoch: 2, step: 20, trainLoss: 1.5, learningRate: 0.01 },
    ],
    gradientNorms: [],
    levels: [],
    layers: [],
    health: [],
  };
  const { loss, accuracy } = curves(dynamics);
  assert.deepEqual(loss.map((c) => [c.name, c.values]), [["train", [2, 1.5]]]);
  assert.deepEqual(accuracy, []);
});

test("series are offered weights first and only when they counted something; flags read as the report's", () => {
  const layer = {
    name: "fc", moduleType: "Linear", gradientNorms: [], updateRatios: [],
    series: [series({ kind: "Activations" }), series({ kind: "Biases", histograms: [{ firstBin: 0, counts: [], count: 0 }] }), series()],
  };
  assert.deepEqual(drawableSeries(layer).map((s) => s.kind), ["Weights", "Activations"]);
  const health = { layer: "relu", moduleType: "ReLU", units: 3, deadUnits: [1], gradientNorm: "NaN", updateRatio: "NaN", vanishing: true, exploding: false };
  assert.deepEqual(flags(health), ["dead units", "vanishing gradient"]);
  assert.deepEqual(flags({ ...health, deadUnits: [], vanishing: false }), []);
});
