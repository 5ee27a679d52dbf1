// Move the epoch slider to the first epoch and back, reading every point's screen position each time.
import { finish, openViewer, scenario, screenPositions } from "./browser.mjs";

await scenario(async ({ url, outdir }) => {
  const { browser, page, log } = await openViewer(url);
  const count = await page.evaluate(() => window.layerscope.pointCount);
  const read = async () => ({
    epoch: await page.inputValue("#epoch"),
    label: await page.textContent("#epoch-label"),
    positions: await screenPositions(page, count),
  });
  const max = await page.getAttribute("#epoch", "max");
  const last = await read();
  await page.fill("#epoch", "0");
  await page.waitForFunction(() => document.getElementById("epoch-label").textContent !== "" , null);
  await page.waitForTimeout(300);
  const first = await read();
  await page.click("#play");
  await page.waitForFunction((m) => document.getElementById("play").textContent === "▶" && document.getElementById("epoch").value === m, max, { timeout: 30_000 });
  await page.waitForTimeout(300);
  const played = await read();
  await finish(browser, outdir, { max: Number(max), last, first, played, log });
});
