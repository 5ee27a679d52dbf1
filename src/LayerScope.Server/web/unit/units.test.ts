import assert from "node:assert/strict";
import { test } from "node:test";
import { finiteRange, formatRatio, greyLevels, patchRect, synthesisScore, tileColumns } from "../src/units";

test("a patch inside the image is scaled to canvas pixels", () => {
  assert.deepEqual(patchRect({ top: 1, left: 2, height: 3, width: 4 }, 28, 28, 5), { x: 10, y: 5, width: 20, height: 15 });
});

test("a patch that starts in the padding or runs past the edge is clipped to the image", () => {
  // Rows −2..2 and columns 25..30 of a 28 × 28 image: rows 0..2 and columns 25..27 are in it.
  assert.deepEqual(patchRect({ top: -2, left: 25, height: 5, width: 6 }, 28, 28, 2), { x: 50, y: 0, width: 6, height: 6 });
});

test("a patch wholly in the padding has no rectangle", () => {
  assert.equal(patchRect({ top: -3, left: 0, height: 3, width: 3 }, 4, 4, 1), null);
  assert.equal(patchRect({ top: 0, left: 4, height: 2, width: 2 }, 4, 4, 1), null);
});

test("grey levels run from black at the minimum to white at the maximum, ignoring values that are not finite", () => {
  const values = [2, 4, 6, NaN];
  assert.deepEqual(finiteRange(values), [2, 6]);
  assert.deepEqual([...greyLevels(values, 2, 6)], [0, 128, 255, 0]);
  assert.deepEqual([...greyLevels([3, 3], 3, 3)], [128, 128]);
  assert.deepEqual(finiteRange([NaN]), [0, 0]);
});

test("tiles form a near-square grid no wider than asked", () => {
  assert.equal(tileColumns(16), 4);
  assert.equal(tileColumns(3), 2);
  assert.equal(tileColumns(64, 6), 6);
  assert.equal(tileColumns(0), 1);
});

test("a synthesis score is the objective after over its data mean, and no ratio when that mean is not positive", () => {
  const synthesis = { objective: "unit (1, 1)", before: [0, 0.25, "NaN"], after: [2, 3, 4], mean: [0.2, 0, -1] };
  assert.deepEqual(synthesisScore(synthesis, 0), { objective: "unit (1, 1)", before: 0, after: 2, mean: 0.2, ratio: 10 });
  assert.ok(Number.isNaN(synthesisScore(synthesis, 1)!.ratio));
  assert.ok(Number.isNaN(synthesisScore(synthesis, 2)!.ratio));
  assert.ok(Number.isNaN(synthesisScore(synthesis, 2)!.before));
  assert.equal(synthesisScore({ objective: "x" }, 0), null);
  assert.equal(synthesisScore(null, 0), null);
  assert.equal(formatRatio(10), "10.0×");
  assert.equal(formatRatio(1234.5), "1235×");
  assert.equal(formatRatio(NaN), "–");
});
