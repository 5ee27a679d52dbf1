// Switch the method (--method) and then the layer (--layer) in the pickers; after each switch read every point's
// screen position and color, the legend, the color-by choice and the pickers' options.
import { finish, openViewer, option, scenario, screenPositions, settle } from "./browser.mjs";

await scenario(async ({ url, outdir, rest }) => {
  const { browser, page, log } = await openViewer(url);
  const count = await page.evaluate(() => window.layerscope.pointCount);
  const read = async () => ({
    layer: await page.inputValue("#layer"),
    method: await page.inputValue("#method"),
    methods: await page.evaluate(() => [...document.querySelectorAll("#method option")].map((o) => o.value)),
    colorBy: await page.inputValue("#color-by"),
    dims: await page.evaluate(() => window.layerscope.dims),
    legend: await page.evaluate(() =>
      [...document.querySelectorAll("#legend li")].map((li) => ({
        name: li.querySelector(".legend-name")?.textContent ?? null,
        text: li.textContent,
        swatch: li.querySelector(".swatch") ? getComputedStyle(li.querySelector(".swatch")).backgroundColor : null,
      })),
    ),
    colors: await page.evaluate((n) => Array.from({ length: n }, (_, i) => window.layerscope.color(i)), count),
    positions: await screenPositions(page, count),
  });
  // Each switch waits for positions that differ from the ones before: the new embedding's first frame.
  const switched = async (select, value, previous) => {
    await page.selectOption(select, value);
    await page
      .waitForFunction(
        (old) => old.some((p, i) => { const q = window.layerscope.screenPosition(i); return JSON.stringify(p) !== JSON.stringify(q); }),
        previous.positions,
        { timeout: 30_000, polling: 100 },
      )
      .catch(() => {});
    await settle(page);
    return read();
  };
  const start = await read();
  const method = await switched("#method", option(rest, "method") ?? "tsne", start);
  await page.selectOption("#method", start.method);
  await settle(page);
  const back = await read();
  const layer = await switched("#layer", option(rest, "layer") ?? "net/steps", back);
  await finish(browser, outdir, { count, start, method, back, layer, log });
});
