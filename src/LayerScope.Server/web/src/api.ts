// The HTTP API of `layerscope serve` (docs/viewer.md). Every URL is relative, so the page works behind any prefix
// the server is mounted on.
import type { Dynamics } from "./dynamics";

export interface RunSummary {
  id: string;
  title: string;
  source: string;
  points: number;
}

export interface ArrayEntry {
  file: string;
  shape: number[];
}

export type Column =
  | { name: string; kind: "category"; array: string; categories: string[] }
  | { name: string; kind: "number"; array: string }
  | { name: string; kind: "text"; file: string };

export type InputsEntry =
  | { kind: "text"; file: string; highlight?: string }
  | { kind: "image"; array: string; width: number; height: number }
  | { kind: "sequence"; array: string; lengths?: string; names?: string[] }
  | { kind: "values"; array: string; names?: string[] };

export interface ActivationEntry {
  layer: string;
  epoch?: number;
  array: string;
}

export interface EmbeddingEntry {
  layer: string;
  epoch?: number;
  method: string;
  dims: number;
  array: string;
  parameters?: Record<string, unknown>;
}

export interface Manifest {
  format: string;
  version: number;
  title?: string;
  source?: string;
  created?: string;
  points: number;
  arrays: Record<string, ArrayEntry>;
  columns?: Column[];
  inputs?: InputsEntry;
  layers?: { name: string; units?: number }[];
  activations?: ActivationEntry[];
  embeddings?: EmbeddingEntry[];
  dynamics?: { network: string; file: string }[];
  relevance?: { array: string; method: string; target: number };
  units?: { layer: string; channels: number }[];
}

/** One of a channel's strongest points, with its receptive-field patch in input pixels (docs/viewer.md, "units"). */
export interface UnitTop {
  point: number;
  activation: number;
  top: number;
  left: number;
  height: number;
  width: number;
}

/** A units entry as `GET /api/runs/{id}/units/{index}` answers it. */
export interface UnitsLayer {
  layer: string;
  channels: number;
  k: number;
  mapRows: number;
  mapColumns: number;
  mapPoints: number[];
  top: UnitTop[][];
  synthesis: UnitsSynthesis | null;
}

/** A layer's synthesized images; with newer runs also what was raised ("unit (14, 14)", "channel mean", "class logit")
 * and its value per channel on the start, on the image and averaged over the data (a number the server cannot write as
 * JSON, NaN, comes as the string "NaN"). */
export interface UnitsSynthesis {
  height: number;
  width: number;
  images: number[][];
  objective?: string;
  before?: (number | string)[];
  after?: (number | string)[];
  mean?: (number | string)[];
}

/** Every channel's feature map for one point; `maps` is null when the run did not store that point's. */
export interface UnitMaps {
  point: number;
  rows: number;
  columns: number;
  maps: number[][] | null;
}

export type PointInput =
  | { kind: "text"; text: string; highlight?: [number, number] | null }
  | { kind: "image"; width: number; height: number; pixels: number[] }
  | { kind: "sequence"; names?: string[]; values: number[][] }
  | { kind: "values"; names?: string[]; values: number[] };

/** A point's relevance map (docs/viewer.md): one value per input element, row-major as the input. */
export interface PointRelevance {
  method: string;
  target: number;
  values: number[];
}

export interface PointDetail {
  index: number;
  columns: Record<string, string | number | null>;
  input?: PointInput | null;
  relevance?: PointRelevance | null;
}

export interface Neighbor {
  index: number;
  distance: number;
}

export interface MeanActivation {
  shape: number[];
  mean: number[];
}

/** A float32 array as served by `/arrays/{name}`, with its shape. */
export interface FloatArray {
  values: Float32Array;
  shape: number[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}

async function errorOf(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: string };
    if (body.error) message = body.error;
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, `${response.url}: ${message}`);
}

const runUrl = (id: string) => `api/runs/${encodeURIComponent(id)}`;

export const listRuns = () => json<RunSummary[]>("api/runs");

export const getManifest = (id: string) => json<Manifest>(runUrl(id));

export const getPoint = (id: string, index: number, signal?: AbortSignal) =>
  json<PointDetail>(`${runUrl(id)}/points/${index}`, { signal });

export const getNeighbors = (id: string, activations: string, point: number, k: number, signal?: AbortSignal) =>
  json<{ point: number; activations: string; neighbors: Neighbor[] }>(
    `${runUrl(id)}/neighbors?activations=${encodeURIComponent(activations)}&point=${point}&k=${k}`,
    { signal },
  );

export const getMean = (id: string, activations: string, points: ArrayLike<number>, signal?: AbortSignal) =>
  json<MeanActivation>(`${runUrl(id)}/mean`, {
    signal,
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ activations, points: Array.from(points) }),
  });

export const search = (id: string, q: string, signal?: AbortSignal, limit = 1000) =>
  json<{ matches: number[]; total: number }>(`${runUrl(id)}/search?q=${encodeURIComponent(q)}&limit=${limit}`, { signal });

export const getDynamics = (id: string, index: number, signal?: AbortSignal) =>
  json<Dynamics>(`${runUrl(id)}/dynamics/${index}`, { signal });

export const getUnits = (id: string, index: number, signal?: AbortSignal) =>
  json<UnitsLayer>(`${runUrl(id)}/units/${index}`, { signal });

export const getUnitMaps = (id: string, index: number, point: number, signal?: AbortSignal) =>
  json<UnitMaps>(`${runUrl(id)}/units/${index}/maps/${point}`, { signal });

export const getJsonFile = <T>(id: string, name: string) =>
  json<T>(`${runUrl(id)}/files/${encodeURIComponent(name)}`);

/**
 * Fetches an array as little-endian float32, streaming the body so that `onProgress(received, total)` can drive a
 * progress bar (total from Content-Length, 0 when the server did not send it).
 */
export async function getArray(
  id: string,
  name: string,
  onProgress: (received: number, total: number) => void,
): Promise<FloatArray> {
  const response = await fetch(`${runUrl(id)}/arrays/${encodeURIComponent(name)}`);
  if (!response.ok) throw await errorOf(response);
  const shape = (response.headers.get("X-LayerScope-Shape") ?? "")
    .split(",")
    .filter((s) => s.trim() !== "")
    .map(Number);
  const total = Number(response.headers.get("Content-Length") ?? 0);
  const bytes = await readBody(response, total, onProgress);
  if (bytes.byteLength % 4 !== 0) throw new ApiError(500, `array ${name}: ${bytes.byteLength} bytes is not float32`);
  // Float32Array views need 4-byte alignment; readBody returns a fresh buffer starting at offset 0.
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return { values, shape: shape.length > 0 ? shape : [values.length] };
}

async function readBody(
  response: Response,
  total: number,
  onProgress: (received: number, total: number) => void,
): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  let buffer = new Uint8Array(total > 0 ? total : 1 << 16);
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (received + value.byteLength > buffer.byteLength) {
      const grown = new Uint8Array(Math.max(buffer.byteLength * 2, received + value.byteLength));
      grown.set(buffer.subarray(0, received));
      buffer = grown;
    }
    buffer.set(value, received);
    received += value.byteLength;
    onProgress(received, total);
  }
  return received === buffer.byteLength ? buffer : buffer.slice(0, received);
}
