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
  // The label changes in the same task that hands the new positions to the scatter.
  await page.waitForFunction((label) => document.getElementById("epoch-label").textContent !== label, last.label, { timeout: 30_000 });
  const first = await read();
  await page.click("#play");
  const state = () =>
    page.evaluate(() => ({
      play: document.getElementById("play").textContent,
      epoch: document.getElementById("epoch").value,
      label: document.getElementById("epoch-label").textContent,
      status: document.getElementById("status").textContent,
    }));
  await page
    .waitForFunction(
      ([m, label]) =>
        document.getElementById("play").textContent === "▶" &&
        document.getElementById("epoch").value === m &&
        document.getElementById("epoch-label").textContent === label,
      [max, last.label],
      { timeout: 30_000, polling: 100 },
    )
    .catch(async (error) => {
      throw new Error(`play did not end on the last epoch: ${JSON.stringify(await state())}; ${error}`);
    });
  await page.waitForTimeout(300);
  const played = await read();
  await finish(browser, outdir, { max: Number(max), last, first, played, log });
});
