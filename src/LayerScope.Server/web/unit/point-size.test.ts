import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_POINT_RADIUS, MIN_POINT_RADIUS, defaultPointRadius } from "../src/point-size";

test("small runs open with the slider's default radius", () => {
  for (const n of [0, 1, 500, 20_000]) assert.equal(defaultPointRadius(n), DEFAULT_POINT_RADIUS);
});

test("large runs open with smaller points, one pixel across at a million", () => {
  assert.equal(defaultPointRadius(80_000), 1.5);
  assert.equal(defaultPointRadius(1_000_000), MIN_POINT_RADIUS);
  assert.equal(defaultPointRadius(50_000_000), MIN_POINT_RADIUS);
});

test("the radius never grows with the number of points and stays on the slider's 0.5 steps", () => {
  let previous = Infinity;
  for (let n = 1_000; n <= 4_000_000; n = Math.round(n * 1.3)) {
    const r = defaultPointRadius(n);
    assert.ok(r <= previous, `radius at ${n} points`);
    assert.equal(r * 2, Math.round(r * 2));
    previous = r;
  }
});
