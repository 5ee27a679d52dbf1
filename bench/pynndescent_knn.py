#!/usr/bin/env python3
"""pynndescent beside `layerscope bench knn` on the same matrix: time and recall of its k-NN graph.

    /usr/bin/python3 bench/pynndescent_knn.py X.npy --k 15,90 [--n-jobs 2] [--sample 2000]

Prints one JSON line per k: wall and CPU seconds (user + sys of this process, numba's threads included) of
NNDescent(...).neighbor_graph after a warm-up fit on 2,000 rows (numba's compilation is not counted), and recall
against exact neighbours of the same fixed 2,000-point sample the C# bench scores (row i ranked by
(i * 2654435761 mod 2^32) mod 1,000,003).
"""
import argparse
import json
import os
import resource
import time

import numpy as np


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def sample_rows(n, size):
    keys = ((np.arange(n, dtype=np.uint64) * np.uint64(2654435761)) % np.uint64(2**32)) % np.uint64(1_000_003)
    return np.argsort(keys, kind="stable")[:size]


def exact_neighbours(x, rows, k):
    norms = (x.astype(np.float64) ** 2).sum(1)
    out = np.empty((len(rows), k), dtype=np.int64)
    for start in range(0, len(rows), 256):
        q = x[rows[start:start + 256]].astype(np.float64)
        d = norms[None, :] - 2 * q @ x.T.astype(np.float64) + (q ** 2).sum(1)[:, None]
        d[np.arange(len(q)), rows[start:start + 256]] = np.inf
        out[start:start + 256] = np.argsort(d, axis=1)[:, :k]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("x")
    ap.add_argument("--k", default="15,90")
    ap.add_argument("--n-jobs", type=int, default=2)
    ap.add_argument("--sample", type=int, default=2000)
    a = ap.parse_args()
    import pynndescent
    x = np.ascontiguousarray(np.load(a.x), dtype=np.float32)
    n = x.shape[0]
    rows = sample_rows(n, min(a.sample, n))
    for k in [int(v) for v in a.k.split(",")]:
        pynndescent.NNDescent(x[:2000], n_neighbors=k + 1, random_state=0, n_jobs=a.n_jobs).neighbor_graph
        truth = exact_neighbours(x, rows, k)
        cpu, wall = cpu_seconds(), time.perf_counter()
        # pynndescent's lists include the point itself: ask for k + 1 and drop it.
        index = pynndescent.NNDescent(x, n_neighbors=k + 1, random_state=0, n_jobs=a.n_jobs, compressed=True)
        graph, _ = index.neighbor_graph
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        hits = 0
        for s, i in enumerate(rows):
            found = [j for j in graph[i] if j != i][:k]
            hits += len(set(found) & set(truth[s].tolist()))
        print(json.dumps({"method": "pynndescent " + pynndescent.__version__, "n": n, "k": k, "wall_s": round(wall, 3),
                          "cpu_s": round(cpu, 3), "recall": round(hits / (len(rows) * k), 4),
                          "load_avg": os.getloadavg()[0]}), flush=True)


if __name__ == "__main__":
    main()
