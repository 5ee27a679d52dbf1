// Shared by the browser scenarios: starts Debian's Chromium headless through playwright-core, opens the viewer,
// waits for its first frame and records what the page did (console errors, dialogs, failed requests).
// Every scenario is `node tests/<scenario>.mjs <url> <outdir>` and prints one JSON object on stdout.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.LAYERSCOPE_CHROMIUM ?? "/usr/bin/chromium";

// The flags the project runs Chromium with; SwiftShader gives WebGL without a GPU.
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
];

export function parseArgs() {
  const [url, outdir, ...rest] = process.argv.slice(2);
  if (!url || !outdir) {
    console.error("usage: node tests/<scenario>.mjs <viewer url> <output folder> [options]");
    process.exit(2);
  }
  mkdirSync(outdir, { recursive: true });
  return { url, outdir, rest };
}

/** Opens the viewer at `url` in a fresh browser and waits until `window.layerscope.ready`. */
export async function openViewer(url, { width = 1280, height = 800, timeout = 60_000 } = {}) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width, height } });
  const log = { consoleErrors: [], dialogs: [], pageErrors: [], failedRequests: [] };
  page.on("console", (m) => m.type() === "error" && log.consoleErrors.push(m.text()));
  page.on("pageerror", (e) => log.pageErrors.push(String(e)));
  page.on("requestfailed", (r) => log.failedRequests.push(r.url()));
  page.on("dialog", async (d) => {
    log.dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });
  const started = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => window.layerscope?.ready === true, null, { timeout, polling: 50 });
  const readyMs = Date.now() - started;
  return { browser, page, log, readyMs };
}

/** Waits until no request has been in flight for a short while (neighbour summaries, mean activation). */
export async function settle(page, ms = 300) {
  await page.waitForLoadState("networkidle").catch(() => {});
  await page.waitForTimeout(ms);
}

/** Writes the result as JSON to stdout and to <outdir>/result.json, and closes the browser. */
export async function finish(browser, outdir, result) {
  const text = JSON.stringify(result, null, 2);
  writeFileSync(join(outdir, "result.json"), text);
  process.stdout.write(text + "\n");
  await browser.close();
}

/** Runs a scenario body and turns any failure into `{ "error": ... }` with a non-zero exit. */
export async function scenario(body) {
  try {
    await body(parseArgs());
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: String(error?.stack ?? error) }) + "\n");
    process.exit(1);
  }
}

/** The screen positions (page pixels) of points 0..count-1, null for points off screen. */
export function screenPositions(page, count) {
  return page.evaluate((n) => Array.from({ length: n }, (_, i) => window.layerscope.screenPosition(i)), count);
}

/**
 * Of the candidate points (all when none are given), the one whose nearest other point on screen is farthest away,
 * so that hovering or clicking it cannot hit a neighbour drawn on top.
 */
export async function isolatedPoint(page, candidates) {
  const count = await page.evaluate(() => window.layerscope.pointCount);
  const positions = await screenPositions(page, count);
  let best = -1;
  let bestGap = -1;
  for (const i of candidates ?? positions.map((_, i) => i)) {
    const p = positions[i];
    if (!p) continue;
    let gap = Infinity;
    for (let j = 0; j < count; j++) {
      const q = positions[j];
      if (j !== i && q) gap = Math.min(gap, Math.hypot(p[0] - q[0], p[1] - q[1]));
    }
    if (gap > bestGap) [best, bestGap] = [i, gap];
  }
  if (best < 0) throw new Error("no candidate point is on screen");
  return { index: best, position: positions[best], gap: bestGap };
}

/** `--name value` from the scenario's extra arguments. */
export function option(rest, name) {
  const at = rest.indexOf(`--${name}`);
  return at >= 0 ? rest[at + 1] : undefined;
}

/** Hovers a point and waits until the tooltip shows its loaded details. */
export async function hoverPoint(page, index, position) {
  await page.mouse.move(position[0] - 3, position[1] - 3);
  await page.mouse.move(position[0], position[1]);
  await page.waitForFunction((i) => document.getElementById("tooltip")?.getAttribute("data-loaded") === String(i), index, { timeout: 15_000 });
  return page.evaluate(() => {
    const tooltip = document.getElementById("tooltip");
    return {
      hoveredIndex: Number(tooltip.getAttribute("data-index")),
      tooltipText: tooltip.querySelector(".input-text")?.textContent ?? null,
      tooltipHighlight: tooltip.querySelector(".input-text mark")?.textContent ?? null,
      tooltipAll: tooltip.textContent,
      columns: Object.fromEntries([...tooltip.querySelectorAll(".columns tr")].map((tr) => [tr.querySelector("th").textContent, tr.querySelector("td").textContent])),
      hasImage: tooltip.querySelector("canvas.input-image") !== null,
      hasSparkline: tooltip.querySelector("svg.sparkline polyline") !== null,
      valueRows: tooltip.querySelectorAll(".input-values tr").length,
    };
  });
}
