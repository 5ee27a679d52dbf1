// Time to first frame of the viewer, in headless Chromium (SwiftShader: WebGL on the CPU).
//
//   node bench/viewer/first-frame.mjs --url URL [--repeat 3]
//
// Opens URL (a running `layerscope serve`) REPEAT times, each in a fresh browser, and times navigation →
// `window.layerscope.ready` (the first frame drawn with every point of the first run). Prints one JSON line.
// `dotnet run -c Release --project bench/LayerScope.Benchmarks -- viewer` writes a 1,000,000-point run, serves it
// and runs this script. The front end's node_modules (playwright-core) come from building LayerScope.Server.
import { openViewer } from "../../src/LayerScope.Server/web/tests/browser.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const url = option("url", null);
const repeat = Number(option("repeat", 3));
if (!url) {
  console.error("usage: node bench/viewer/first-frame.mjs --url URL [--repeat N]");
  process.exit(2);
}

const times = [];
let points = 0;
for (let r = 0; r < repeat; r++) {
  const { browser, page, readyMs } = await openViewer(url, { timeout: 300_000 });
  points = await page.evaluate(() => window.layerscope.pointCount);
  const [bytes, inPage] = await page.evaluate(() => [
    performance.getEntriesByType("resource").filter((e) => e.name.includes("/arrays/") && e.startTime < performance.getEntriesByName("layerscope-first-frame")[0].startTime).reduce((s, e) => s + e.encodedBodySize, 0),
    performance.getEntriesByName("layerscope-first-frame")[0].startTime,
  ]);
  await browser.close();
  times.push(readyMs);
  console.error(`run ${r + 1}: ${points.toLocaleString("en")} points, ${(bytes / 1e6).toFixed(1)} MB of arrays before the first frame; frame submitted ${Math.round(inPage)} ms after navigation, seen drawn after ${readyMs} ms`);
}
const sorted = [...times].sort((a, b) => a - b);
console.log(JSON.stringify({ points, repeat, firstFrameMs: times, medianMs: sorted[sorted.length >> 1] }));
