#!/usr/bin/env python3
"""Baseline for bench/LayerScope.Benchmarks: scikit-learn's Barnes-Hut t-SNE on the same data.

Usage: sklearn_tsne.py X.npy E.npy [threads]
Writes the embedding to E.npy (float32) and prints one JSON line: seconds, kl, n.
Settings as in the issue: Barnes-Hut, PCA init, perplexity 30, 1000 iterations, n_jobs=threads (2).
"""
import json
import sys
import time

import numpy as np
from sklearn.manifold import TSNE


def main() -> None:
    x = np.load(sys.argv[1]).astype(np.float32)
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    start = time.perf_counter()
    tsne = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", method="barnes_hut",
                n_iter=1000, n_jobs=threads, random_state=0)
    embedding = tsne.fit_transform(x)
    seconds = time.perf_counter() - start
    np.save(sys.argv[2], embedding.astype(np.float32))
    print(json.dumps({"seconds": seconds, "kl": float(tsne.kl_divergence_), "n": int(x.shape[0])}))


if __name__ == "__main__":
    main()
