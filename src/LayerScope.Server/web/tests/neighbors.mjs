// Click a point and read the neighbour list: the hook's indices and the table's rows (again after a switch to
// --then-layer, when given).
import { finish, isolatedPoint, openViewer, option, scenario, settle } from "./browser.mjs";

await scenario(async ({ url, outdir, rest }) => {
  const { browser, page, log } = await openViewer(url);
  const candidates = option(rest, "candidates")?.split(",").map(Number);
  const { index, position } = await isolatedPoint(page, candidates);
  await page.mouse.move(position[0], position[1]);
  await page.mouse.click(position[0], position[1]);
  await page.waitForFunction(() => window.layerscope.neighbors.length > 0, null, { timeout: 15_000 });
  await settle(page);
  const read = () => page.evaluate(() => ({
    neighbors: window.layerscope.neighbors,
    rows: [...document.querySelectorAll(".neighbor-list tbody tr")].map((tr) => ({
      index: Number(tr.querySelector(".index").textContent),
      distance: Number(tr.querySelector(".distance").textContent),
      summary: tr.querySelector(".summary").textContent,
    })),
    heading: document.querySelector("#neighbors h2")?.textContent ?? null,
    note: document.querySelector("#neighbors .note")?.textContent ?? null,
  }));
  const result = await read();
  // --then-layer L: switch to layer L with the point still clicked and read the list again.
  const layer = option(rest, "then-layer");
  let after = null;
  if (layer) {
    await page.selectOption("#layer", layer);
    await page
      .waitForFunction((old) => JSON.stringify(window.layerscope.neighbors) !== JSON.stringify(old), result.neighbors, { timeout: 15_000, polling: 100 })
      .catch(() => {});
    await settle(page);
    after = { layer: await page.inputValue("#layer"), ...(await read()) };
  }
  await finish(browser, outdir, { index, ...result, after, log });
});
