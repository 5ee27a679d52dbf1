import assert from "node:assert/strict";
import { test } from "node:test";
import { MIN_STEP, bounds, boxPolygon, extendPath, pointInPolygon } from "../src/lasso";
import type { Pixel } from "../src/lasso";

test("a box drawn in any direction spans the drag's origin and the pointer", () => {
  assert.deepEqual(boxPolygon([10, 20], [30, 5]), [[10, 20], [30, 20], [30, 5], [10, 5]]);
  const box = boxPolygon([30, 40], [10, 10]);
  assert.ok(pointInPolygon(20, 25, box));
  assert.ok(!pointInPolygon(5, 25, box));
});

test("points inside a concave lasso are in, points in its notch are out", () => {
  // An L: the square 0..10 without its top-right quarter.
  const l: Pixel[] = [[0, 0], [10, 0], [10, 5], [5, 5], [5, 10], [0, 10]];
  assert.ok(pointInPolygon(2, 2, l));
  assert.ok(pointInPolygon(8, 2, l));
  assert.ok(pointInPolygon(2, 8, l));
  assert.ok(!pointInPolygon(8, 8, l), "the notch is outside");
  assert.ok(!pointInPolygon(-1, 2, l));
  assert.ok(!pointInPolygon(11, 2, l));
});

test("a self-crossing lasso follows the even-odd rule", () => {
  // A bow tie: two triangles meeting at (5, 5).
  const bow: Pixel[] = [[0, 0], [10, 10], [10, 0], [0, 10]];
  assert.ok(pointInPolygon(2, 5, bow));
  assert.ok(pointInPolygon(8, 5, bow));
  assert.ok(!pointInPolygon(5, 1, bow));
});

test("a free-hand path skips pointer moves shorter than the minimum step", () => {
  const path: Pixel[] = [[0, 0]];
  extendPath(path, [MIN_STEP / 2, 0]);
  assert.equal(path.length, 1);
  extendPath(path, [MIN_STEP, 0]);
  extendPath(path, [MIN_STEP, MIN_STEP * 3]);
  assert.deepEqual(path, [[0, 0], [MIN_STEP, 0], [MIN_STEP, MIN_STEP * 3]]);
  assert.deepEqual(extendPath([], [4, 4]), [[4, 4]]);
});

test("bounds enclose every vertex", () => {
  assert.deepEqual(bounds([[3, -1], [-2, 4], [7, 2]]), [-2, -1, 7, 4]);
});
