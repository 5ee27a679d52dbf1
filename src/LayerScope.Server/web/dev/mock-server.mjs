// A stand-in for `layerscope serve` for front-end work without .NET: serves dist/ and the HTTP API of
// docs/viewer.md over one synthetic run held in memory. Usage: node dev/mock-server.mjs [port] [points]
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";

const port = Number(process.argv[2] ?? 5173);
const n = Number(process.argv[3] ?? 2000);
const dist = new URL("../dist/", import.meta.url).pathname;
const units = 16;
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());

const labels = new Float32Array(n).map((_, i) => i % 3);
const hidden = new Float32Array(n * units);
for (let i = 0; i < n; i++) for (let u = 0; u < units; u++) hidden[i * units + u] = (u === labels[i] ? 6 : 0) + gauss();
const embedding = (epoch, dims) => {
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) out[i * dims + d] = hidden[i * units + d] * epoch + gauss() * 0.3;
  return out;
};
const texts = Array.from({ length: n }, (_, i) => `point ${i} says ${i % 2 ? "goodbye" : "hello"} & <b>bye</b>`);
const arrays = {
  labels: [labels, [n]],
  scores: [new Float32Array(n).map((_, i) => i * 0.5), [n]],
  hidden: [hidden, [n, units]],
  "pca-e1": [embedding(1, 2), [n, 2]],
  "pca-e2": [embedding(2, 2), [n, 2]],
  "pca-e3": [embedding(3, 2), [n, 2]],
  "tsne-3d": [embedding(1, 3), [n, 3]],
};
const manifest = {
  format: "layerscope-run", version: 1, title: "Mock run", source: "dev/mock-server.mjs", points: n,
  arrays: Object.fromEntries(Object.entries(arrays).map(([k, [, shape]]) => [k, { file: `${k}.npy`, shape }])),
  columns: [
    { name: "class", kind: "category", array: "labels", categories: ["cat", "dog", "<img src=x onerror=alert(1)>"] },
    { name: "score", kind: "number", array: "scores" },
  ],
  inputs: { kind: "text", file: "texts.json", highlight: "highlights.json" },
  layers: [{ name: "net/hidden", units }],
  activations: [{ layer: "net/hidden", array: "hidden" }],
  embeddings: [
    ...[1, 2, 3].map((e) => ({ layer: "net/hidden", epoch: e, method: "pca", dims: 2, array: `pca-e${e}` })),
    { layer: "net/hidden", method: "tsne", dims: 3, array: "tsne-3d" },
  ],
};

const send = (res, status, body, type = "application/json") => {
  const data = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(data), "X-Content-Type-Options": "nosniff" });
  res.end(data);
};
const neighbors = (p, k) => {
  const d = [];
  for (let i = 0; i < n; i++) {
    if (i === p) continue;
    let s = 0;
    for (let u = 0; u < units; u++) s += (hidden[i * units + u] - hidden[p * units + u]) ** 2;
    d.push({ index: i, distance: Math.sqrt(s) });
  }
  return d.sort((a, b) => a.distance - b.distance).slice(0, k);
};

createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== "api") {
    const file = join(dist, parts.length ? parts.join("/") : "index.html");
    try {
      const type = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" }[extname(file)] ?? "application/octet-stream";
      return send(res, 200, new Uint8Array(await readFile(file)), type);
    } catch {
      return send(res, 404, { error: "not found" });
    }
  }
  if (parts.length === 2) return send(res, 200, [{ id: "mock", title: manifest.title, source: manifest.source, points: n }]);
  if (parts[2] !== "mock") return send(res, 404, { error: "unknown run" });
  if (parts.length === 3) return send(res, 200, manifest);
  if (parts[3] === "arrays") {
    const entry = arrays[parts[4]];
    if (!entry) return send(res, 404, { error: "unknown array" });
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": entry[0].byteLength, "X-LayerScope-Shape": entry[1].join(",") });
    return res.end(Buffer.from(entry[0].buffer));
  }
  if (parts[3] === "points") {
    const i = Number(parts[4]);
    const categories = manifest.columns[0].categories;
    return send(res, 200, { index: i, columns: { class: categories[labels[i]], score: i * 0.5 }, input: { kind: "text", text: texts[i], highlight: [6, 1] } });
  }
  if (parts[3] === "neighbors") {
    const p = Number(url.searchParams.get("point"));
    return send(res, 200, { point: p, activations: "hidden", neighbors: neighbors(p, Number(url.searchParams.get("k") ?? 10)) });
  }
  if (parts[3] === "mean") {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const { points } = JSON.parse(Buffer.concat(chunks).toString());
    const mean = new Array(units).fill(0);
    for (const p of points) for (let u = 0; u < units; u++) mean[u] += hidden[p * units + u] / points.length;
    return send(res, 200, { shape: [units], mean });
  }
  if (parts[3] === "search") {
    const q = (url.searchParams.get("q") ?? "").toLowerCase();
    const matches = texts.flatMap((t, i) => (t.toLowerCase().includes(q) ? [i] : []));
    return send(res, 200, { matches: matches.slice(0, 1000), total: matches.length });
  }
  send(res, 404, { error: "unknown request" });
}).listen(port, "127.0.0.1", () => console.log(`mock server on http://127.0.0.1:${port}/ with ${n} points`));
