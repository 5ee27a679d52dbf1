// Time to first frame of the viewer on a large run, in headless Chromium (SwiftShader: WebGL on the CPU).
//
//   node bench/viewer/first-frame.mjs [--points 1000000] [--repeat 3] [--url URL]
//
// Writes a run of N points (2-D embeddings over two epochs, a 10-class label column, a number column, 8-D
// activations) as .npy files, starts `layerscope serve` on it (dotnet run -c Release), and opens the viewer REPEAT
// times in a fresh browser, timing navigation → `window.layerscope.ready` (the first frame drawn with every point).
// With --url it measures an already running server instead. Run `dotnet build src/LayerScope.Server` first so the
// front end's node_modules (playwright-core) exist.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openViewer } from "../../src/LayerScope.Server/web/tests/browser.mjs";

const repository = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const points = Number(option("points", 1_000_000));
const repeat = Number(option("repeat", 3));

/** A float32 .npy file (format 1.0). */
function writeNpy(path, values, shape) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const unpadded = 10 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const prefix = Buffer.alloc(10);
  prefix.write("\x93NUMPY", 0, "latin1");
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(header, "latin1"), Buffer.from(values.buffer, values.byteOffset, values.byteLength)]));
}

function writeRun(folder, n) {
  mkdirSync(folder, { recursive: true });
  let seed = 12345;
  const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296;
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const classes = 10;
  const labels = new Float32Array(n);
  const scores = new Float32Array(n);
  const hidden = new Float32Array(n * 8);
  const epochs = [new Float32Array(n * 2), new Float32Array(n * 2)];
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    labels[i] = c;
    scores[i] = random();
    const angle = (2 * Math.PI * c) / classes;
    for (let u = 0; u < 8; u++) hidden[i * 8 + u] = gauss() + (u === c % 8 ? 4 : 0);
    for (let e = 0; e < 2; e++) {
      const r = 2 + 6 * e;
      epochs[e][2 * i] = r * Math.cos(angle) + gauss();
      epochs[e][2 * i + 1] = r * Math.sin(angle) + gauss();
    }
  }
  writeNpy(join(folder, "labels.npy"), labels, [n]);
  writeNpy(join(folder, "scores.npy"), scores, [n]);
  writeNpy(join(folder, "hidden.npy"), hidden, [n, 8]);
  epochs.forEach((values, e) => writeNpy(join(folder, `embedding-e${e + 1}.npy`), values, [n, 2]));
  const manifest = {
    format: "layerscope-run",
    version: 1,
    title: `Benchmark: ${n.toLocaleString("en")} points`,
    source: "bench/viewer/first-frame.mjs",
    created: new Date().toISOString(),
    points: n,
    arrays: {
      labels: { file: "labels.npy" },
      scores: { file: "scores.npy" },
      hidden: { file: "hidden.npy" },
      "embedding-e1": { file: "embedding-e1.npy" },
      "embedding-e2": { file: "embedding-e2.npy" },
    },
    columns: [
      { name: "class", kind: "category", array: "labels", categories: Array.from({ length: classes }, (_, c) => `class ${c}`) },
      { name: "score", kind: "number", array: "scores" },
    ],
    inputs: { kind: "values", array: "hidden", names: Array.from({ length: 8 }, (_, u) => `u${u}`) },
    layers: [{ name: "bench/hidden", units: 8 }],
    activations: [{ layer: "bench/hidden", array: "hidden" }],
    embeddings: [1, 2].map((epoch) => ({ layer: "bench/hidden", epoch, method: "pca", dims: 2, array: `embedding-e${epoch}`, parameters: {} })),
  };
  writeFileSync(join(folder, "run.json"), JSON.stringify(manifest, null, 2));
}

async function startServer(folder) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawn("dotnet", ["run", "-c", "Release", "--project", join(repository, "src", "LayerScope.Cli"), "--", "serve", folder, "--port", String(port)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  server.stdout.on("data", () => {});
  const url = `http://127.0.0.1:${port}/`;
  for (let attempt = 0; attempt < 600; attempt++) {
    if (server.exitCode !== null) throw new Error(`layerscope serve exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${url}api/runs`)).ok) return { server, url };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("layerscope serve did not answer within five minutes");
}

const given = option("url", null);
const folder = given ? null : mkdtempSync(join(tmpdir(), "layerscope-bench-"));
let server = null;
try {
  let url = given;
  if (!url) {
    const writing = Date.now();
    writeRun(join(folder, "run"), points);
    console.error(`wrote a ${points.toLocaleString("en")}-point run in ${Date.now() - writing} ms`);
    ({ server, url } = await startServer(folder));
  }
  const times = [];
  for (let r = 0; r < repeat; r++) {
    const { browser, page, readyMs } = await openViewer(url, { timeout: 300_000 });
    const count = await page.evaluate(() => window.layerscope.pointCount);
    const bytes = await page.evaluate(() =>
      performance.getEntriesByType("resource").filter((e) => e.name.includes("/arrays/")).reduce((s, e) => s + e.encodedBodySize, 0),
    );
    await browser.close();
    times.push(readyMs);
    console.error(`run ${r + 1}: ${count.toLocaleString("en")} points, ${(bytes / 1e6).toFixed(1)} MB of arrays, first frame after ${readyMs} ms`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(JSON.stringify({ points, repeat, firstFrameMs: times, medianMs: sorted[sorted.length >> 1] }));
} finally {
  server?.kill();
  if (folder) rmSync(folder, { recursive: true, force: true });
}
