import assert from "node:assert/strict";
import { test } from "node:test";
import { CATEGORY_PALETTE_HEX, MISSING_COLOR, PLAIN_COLOR, categoryColor, colormap, fillColors, hexToRgb, numberColoring } from "../src/colors";
import type { Rgb } from "../src/colors";

const rgbaOf = (out: Uint8Array, i: number) => [...out.subarray(4 * i, 4 * i + 4)];

test("class k gets palette color k, and the palette cycles after its last color as the PNG figures' does", () => {
  assert.equal(CATEGORY_PALETTE_HEX.length, 10);
  assert.deepEqual(categoryColor(0), [0x1f, 0x77, 0xb4]);
  for (let k = 0; k < CATEGORY_PALETTE_HEX.length; k++) assert.deepEqual(categoryColor(k), hexToRgb(CATEGORY_PALETTE_HEX[k]));
  assert.deepEqual(categoryColor(CATEGORY_PALETTE_HEX.length), categoryColor(0));
  assert.deepEqual(categoryColor(CATEGORY_PALETTE_HEX.length + 3), categoryColor(3));
  assert.equal(new Set(CATEGORY_PALETTE_HEX).size, CATEGORY_PALETTE_HEX.length, "two classes would share a color");
});

test("hexToRgb reads #rrggbb and refuses anything else", () => {
  assert.deepEqual(hexToRgb("#FF7f0e"), [255, 127, 14]);
  assert.throws(() => hexToRgb("ff7f0e"));
  assert.throws(() => hexToRgb("#fff"));
});

test("category colors follow each point's code; codes outside the categories get the missing color", () => {
  const codes = new Float32Array([0, 1, 2, 1, Number.NaN, 3, -1, 0.5]);
  const out = new Uint8Array(codes.length * 4);
  fillColors({ kind: "category", name: "class", codes, categories: ["a", "b", "c"] }, out);
  const expected: Rgb[] = [categoryColor(0), categoryColor(1), categoryColor(2), categoryColor(1), MISSING_COLOR, MISSING_COLOR, MISSING_COLOR, MISSING_COLOR];
  expected.forEach((rgb, i) => assert.deepEqual(rgbaOf(out, i), [...rgb, 255], `point ${i}`));
});

test("number colors run along viridis from the smallest to the largest finite value", () => {
  const values = new Float32Array([10, 20, 15, Number.NaN, Number.POSITIVE_INFINITY]);
  const coloring = numberColoring("loss", values);
  assert.equal(coloring.kind, "number");
  if (coloring.kind !== "number") return;
  assert.deepEqual([coloring.min, coloring.max], [10, 20]);
  const out = new Uint8Array(values.length * 4);
  fillColors(coloring, out);
  assert.deepEqual(rgbaOf(out, 0), [...colormap(0).map(Math.round), 255]);
  assert.deepEqual(rgbaOf(out, 1), [...colormap(1).map(Math.round), 255]);
  assert.deepEqual(rgbaOf(out, 3), [...MISSING_COLOR, 255]);
  assert.deepEqual(rgbaOf(out, 4), [...MISSING_COLOR, 255]);
  // The middle value is neither end: greener than the start, bluer than the end.
  const middle = rgbaOf(out, 2);
  assert.ok(middle[1] > colormap(0)[1] && middle[1] < colormap(1)[1], `middle ${middle}`);
});

test("a column with no finite value still colors (range 0 to 1), and plain coloring paints every point alike", () => {
  const coloring = numberColoring("x", new Float32Array([Number.NaN]));
  assert.ok(coloring.kind === "number" && coloring.min === 0 && coloring.max === 1);
  const out = new Uint8Array(3 * 4);
  fillColors({ kind: "plain" }, out);
  for (let i = 0; i < 3; i++) assert.deepEqual(rgbaOf(out, i), [...PLAIN_COLOR, 255]);
});

test("colormap is viridis: dark purple at 0, yellow at 1, clamped outside and at NaN", () => {
  assert.deepEqual(colormap(0), [68, 1, 84]);
  assert.deepEqual(colormap(1), [253, 231, 37]);
  assert.deepEqual(colormap(-5), colormap(0));
  assert.deepEqual(colormap(7), colormap(1));
  assert.deepEqual(colormap(Number.NaN), colormap(0));
});
