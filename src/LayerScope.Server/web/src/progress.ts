// The download progress of several arrays at once, summed into one bar. Pure, unit-tested under Node.

export interface Progress {
  received: number;
  /** The bytes expected: each array's Content-Length, or what arrived so far where the server sent none. */
  total: number;
  /** Whether every array has arrived in full. */
  done: boolean;
}

export function totalProgress(arrays: Iterable<readonly [received: number, total: number]>): Progress {
  let received = 0;
  let total = 0;
  let done = true;
  for (const [r, t] of arrays) {
    received += r;
    total += Math.max(t, r);
    if (r < t) done = false;
  }
  return { received, total, done };
}

export function progressText(name: string, { received, total }: Progress): string {
  return `loading ${name}: ${(received / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB`;
}
