// Click a point and read the neighbour list: the hook's indices and the table's rows.
import { finish, isolatedPoint, openViewer, option, scenario, settle } from "./browser.mjs";

await scenario(async ({ url, outdir, rest }) => {
  const { browser, page, log } = await openViewer(url);
  const candidates = option(rest, "candidates")?.split(",").map(Number);
  const { index, position } = await isolatedPoint(page, candidates);
  await page.mouse.move(position[0], position[1]);
  await page.mouse.click(position[0], position[1]);
  await page.waitForFunction(() => window.layerscope.neighbors.length > 0, null, { timeout: 15_000 });
  await settle(page);
  const result = await page.evaluate(() => ({
    neighbors: window.layerscope.neighbors,
    rows: [...document.querySelectorAll(".neighbor-list tbody tr")].map((tr) => ({
      index: Number(tr.querySelector(".index").textContent),
      distance: Number(tr.querySelector(".distance").textContent),
      summary: tr.querySelector(".summary").textContent,
    })),
    heading: document.querySelector("#neighbors h2")?.textContent ?? null,
  }));
  await finish(browser, outdir, { index, ...result, log });
});
