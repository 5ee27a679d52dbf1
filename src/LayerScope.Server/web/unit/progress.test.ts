import assert from "node:assert/strict";
import { test } from "node:test";
import { progressText, totalProgress } from "../src/progress";

test("downloads add up into one bar, which is done only when every array has arrived", () => {
  assert.deepEqual(totalProgress([[50, 100], [100, 100]]), { received: 150, total: 200, done: false });
  assert.deepEqual(totalProgress([[100, 100], [30, 30]]), { received: 130, total: 130, done: true });
  assert.deepEqual(totalProgress([]), { received: 0, total: 0, done: true });
});

test("an array without a Content-Length counts what has arrived as its size", () => {
  assert.deepEqual(totalProgress([[700, 0], [0, 100]]), { received: 700, total: 800, done: false });
});

test("the progress line names the array and the megabytes", () => {
  assert.equal(progressText("emb", { received: 1_500_000, total: 3_000_000, done: false }), "loading emb: 1.5 of 3.0 MB");
});
