// Shift-drag a lasso (an octagon around the middle of the points on screen) and read the selection. The output
// holds the polygon and every point's screen position, so the caller can count the points inside on its own.
import { finish, openViewer, scenario, screenPositions, settle } from "./browser.mjs";

await scenario(async ({ url, outdir }) => {
  const { browser, page, log } = await openViewer(url);
  const count = await page.evaluate(() => window.layerscope.pointCount);
  const positions = await screenPositions(page, count);
  const shown = positions.filter((p) => p !== null);
  const xs = shown.map((p) => p[0]).sort((a, b) => a - b);
  const ys = shown.map((p) => p[1]).sort((a, b) => a - b);
  const [cx, cy] = [xs[xs.length >> 1], ys[ys.length >> 1]];
  const radius = Math.max(20, 0.35 * Math.min(xs[xs.length - 1] - xs[0], ys[ys.length - 1] - ys[0]));
  const polygon = Array.from({ length: 8 }, (_, k) => [cx + radius * Math.cos((k * Math.PI) / 4), cy + radius * Math.sin((k * Math.PI) / 4)]);

  await page.keyboard.down("Shift");
  await page.mouse.move(polygon[0][0], polygon[0][1]);
  await page.mouse.down();
  for (const [x, y] of [...polygon.slice(1), polygon[0]]) await page.mouse.move(x, y, { steps: 4 });
  await page.mouse.up();
  await page.keyboard.up("Shift");
  await page.waitForFunction(() => window.layerscope.selected.length > 0, null, { timeout: 15_000 });
  await page.waitForSelector("#heatmap canvas.heatmap", { timeout: 15_000 }).catch(() => {});
  await settle(page);
  const result = await page.evaluate(() => ({
    selected: window.layerscope.selected,
    heading: document.querySelector("#selection h2")?.textContent ?? null,
    listed: document.querySelectorAll(".selection-list li").length,
    heatmapShape: document.querySelector("#heatmap canvas.heatmap")?.getAttribute("data-shape") ?? null,
  }));
  await finish(browser, outdir, { polygon, positions, ...result, log });
});
