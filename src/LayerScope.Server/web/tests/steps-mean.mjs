// Show layer --layer (default net/steps, whose activations are [N, T, U]), Alt-drag a box over the middle half of
// the points on screen and read the selection and the mean-activation heatmap: its shape, the values behind it and
// the color of every cell's center.
import { finish, openViewer, option, scenario, screenPositions, settle } from "./browser.mjs";

await scenario(async ({ url, outdir, rest }) => {
  const { browser, page, log } = await openViewer(url);
  const count = await page.evaluate(() => window.layerscope.pointCount);
  const layer = option(rest, "layer") ?? "net/steps";
  // --select-first: draw the box on the layer shown at first and switch to --layer afterwards.
  const selectFirst = rest.includes("--select-first");
  const switchLayer = async () => {
    const old = await screenPositions(page, count);
    await page.selectOption("#layer", layer);
    await page.waitForFunction(
      (o) => o.some((p, i) => JSON.stringify(p) !== JSON.stringify(window.layerscope.screenPosition(i))),
      old,
      { timeout: 30_000, polling: 100 },
    );
    await settle(page);
  };
  if (!selectFirst) await switchLayer();
  const positions = await screenPositions(page, count);
  const shown = positions.filter((p) => p !== null);
  const xs = shown.map((p) => p[0]).sort((a, b) => a - b);
  const ys = shown.map((p) => p[1]).sort((a, b) => a - b);
  // Box edges on whole pixels near the 20% and 80% quantiles, at least 2 px from every point on that axis, so that
  // whether a point is inside cannot hinge on how the pointer's position is rounded.
  const edge = (v, q) => {
    const start = Math.round(v[Math.floor(q * (v.length - 1))]);
    for (let d = 0; d < 200; d++)
      for (const e of [start + d, start - d]) if (v.every((c) => Math.abs(c - e) >= 2)) return e;
    throw new Error("no free edge for the box");
  };
  const box = [edge(xs, 0.2), edge(ys, 0.2), edge(xs, 0.8), edge(ys, 0.8)];

  await page.keyboard.down("Alt");
  await page.mouse.move(box[0], box[1]);
  await page.mouse.down();
  await page.mouse.move(box[2], box[3], { steps: 10 });
  await page.mouse.up();
  await page.keyboard.up("Alt");
  await page.waitForFunction(() => window.layerscope.selected.length > 0, null, { timeout: 15_000 });
  await page.waitForFunction(() => window.layerscope.heatmap !== null, null, { timeout: 15_000 });
  await page.waitForSelector("#heatmap canvas.heatmap", { timeout: 15_000 });
  await settle(page);
  const before = await page.evaluate(() => window.layerscope.heatmap);
  if (selectFirst) {
    await switchLayer();
    await page
      .waitForFunction((b) => JSON.stringify(window.layerscope.heatmap?.shape) !== JSON.stringify(b.shape), before, { timeout: 15_000, polling: 100 })
      .catch(() => {});
    await page.waitForSelector("#heatmap canvas.heatmap", { timeout: 15_000 }).catch(() => {});
    await settle(page);
  }
  const result = await page.evaluate(() => {
    const canvas = document.querySelector("#heatmap canvas.heatmap");
    const rows = Number(canvas.getAttribute("data-rows"));
    const columns = Number(canvas.getAttribute("data-columns"));
    const context = canvas.getContext("2d");
    const cells = [];
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < columns; c++) {
        const x = Math.floor(((c + 0.5) * canvas.width) / columns);
        const y = Math.floor(((r + 0.5) * canvas.height) / rows);
        cells.push({ row: r, column: c, rgb: [...context.getImageData(x, y, 1, 1).data.slice(0, 3)] });
      }
    return {
      layer: document.getElementById("layer").value,
      selected: window.layerscope.selected,
      heatmap: window.layerscope.heatmap,
      dataShape: canvas.getAttribute("data-shape"),
      rows,
      columns,
      cells,
      caption: document.querySelector("#heatmap figcaption")?.textContent ?? null,
    };
  });
  await finish(browser, outdir, { box, positions, before, ...result, log });
});
