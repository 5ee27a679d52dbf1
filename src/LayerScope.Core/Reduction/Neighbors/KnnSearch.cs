namespace LayerScope.Reduction.Neighbors;

/// <summary>Builds the index a <see cref="KnnMethod"/> asks for.</summary>
public static class KnnSearch
{
    /// <summary>Points up to which <see cref="KnnMethod.Auto"/> searches exactly. The exact GEMM search costs O(N²),
    /// NN-descent about O(N) with a larger constant: for t-SNE's 90 neighbours both took about 16 CPU seconds at
    /// 70,000 Fashion-MNIST points (PCA 50, recall 0.9997) and exact was still cheaper at 50,000 50-D cluster points
    /// (9.4 against 14.4 s), so the crossover lies near 100,000 and NN-descent wins by a growing factor above it
    /// (bench/RESULTS.md, "kNN at scale"). UMAP's 15 neighbours cross over far earlier
    /// (<see cref="Umap.UmapOptions.ExactNeighborLimit"/>).</summary>
    public const int ExactLimit = 100_000;

    /// <summary>An index over <paramref name="data"/>.</summary>
    public static IKnnIndex CreateIndex(DenseMatrix data, KnnMethod method, DistanceMetric metric = DistanceMetric.Euclidean, int seed = 0, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (method == KnnMethod.Auto) method = data.Rows <= ExactLimit ? KnnMethod.Exact : KnnMethod.Approximate;
        return method == KnnMethod.Exact
            ? new ExactKnnIndex(data, metric, threads)
            : new NNDescentIndex(data, metric, seed: seed, threads: threads);
    }
}
