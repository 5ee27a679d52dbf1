namespace LayerScope.Reduction.Neighbors;

/// <summary>Builds the index a <see cref="KnnMethod"/> asks for.</summary>
public static class KnnSearch
{
    /// <summary>Points up to which <see cref="KnnMethod.Auto"/> searches exactly. The exact GEMM search costs O(N²);
    /// the approximate index (k-means cells sized for 0.97 recall on a sample) took 4.0 CPU seconds against exact's
    /// 10.4 for t-SNE's 90 neighbours at 50,000 50-D cluster points (recall 0.971), 3.4 against 20.1 at 70,000
    /// Fashion-MNIST points (0.964), and was already 2.7–3.4× cheaper at 25,000 (bench/RESULTS.md, 2026-12-01
    /// session 6). Up to 50,000 points exact search costs at most about 10 CPU seconds and gives recall 1.
    /// UMAP has its own limit (<see cref="Umap.UmapOptions.ExactNeighborLimit"/>).</summary>
    public const int ExactLimit = 50_000;

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
