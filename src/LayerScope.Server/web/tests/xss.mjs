// A label that is markup must show as text: read the legend and the tooltip of a point (--candidates: points with
// that label), and look for an <img> the markup would have created and for any dialog.
import { finish, hoverPoint, isolatedPoint, openViewer, option, scenario, settle } from "./browser.mjs";

await scenario(async ({ url, outdir, rest }) => {
  const { browser, page, log } = await openViewer(url);
  const candidates = option(rest, "candidates")?.split(",").map(Number);
  const { index, position } = await isolatedPoint(page, candidates);
  const tooltip = await hoverPoint(page, index, position);
  await page.fill("#search", option(rest, "search") ?? "onerror");
  await page.press("#search", "Enter");
  await page.waitForFunction(() => document.getElementById("search-result").textContent !== "", null, { timeout: 15_000 });
  await settle(page, 500);
  const result = await page.evaluate(() => ({
    legendNames: [...document.querySelectorAll("#legend .legend-name")].map((e) => e.textContent),
    title: document.getElementById("run-title").textContent,
    searchResult: document.getElementById("search-result").textContent,
    images: [...document.querySelectorAll("img")].map((img) => img.getAttribute("src")),
    injected: document.querySelectorAll('img[src="x"], [onerror]').length,
  }));
  await finish(browser, outdir, { index, tooltip, ...result, dialogs: log.dialogs, log });
});
