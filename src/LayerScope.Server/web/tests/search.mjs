// Type each of --terms (comma-separated) into the search box, press Enter and read which points are highlighted
// as matches and what the result line says.
import { finish, openViewer, option, scenario, settle } from "./browser.mjs";

await scenario(async ({ url, outdir, rest }) => {
  const { browser, page, log } = await openViewer(url);
  const searches = [];
  for (const term of (option(rest, "terms") ?? "hello").split(",")) {
    // An empty search clears the result line and the highlights; then the term is typed key by key.
    await page.fill("#search", "");
    await page.press("#search", "Enter");
    await page.waitForFunction(() => document.getElementById("search-result").textContent === "", null, { timeout: 15_000 });
    await page.type("#search", term);
    await page.press("#search", "Enter");
    await page.waitForFunction(() => document.getElementById("search-result").textContent !== "", null, { timeout: 15_000 });
    await settle(page);
    searches.push({
      term,
      matches: await page.evaluate(() => window.layerscope.matches),
      result: await page.textContent("#search-result"),
    });
  }
  await finish(browser, outdir, { searches, log });
});
