namespace LayerScope.Reduction.Neighbors;

/// <summary>Builds the index a <see cref="KnnMethod"/> asks for.</summary>
public static class KnnSearch
{
    /// <summary>Points up to which <see cref="KnnMethod.Auto"/> searches exactly. The exact GEMM search costs O(N²);
    /// the approximate index (k-means cells sized for 0.97 recall on a sample) took 4.0 CPU seconds against exact's
    /// 10.4 for t-SNE's 90 neighbours at 50,000 50-D cluster points (recall 0.971), 3.4 against 20.1 at 70,000
    /// Fashion-MNIST points (0.964), and was already 2.7–3.4× cheaper at 25,000 (bench/RESULTS.md, 2026-12-01
    /// session 6). But the t-SNE fitted on that graph ended 1.7 % above FIt-SNE's KL at 70,000 Fashion-MNIST points
    /// (2.684 vs 2.639 under one exact P), and 0.3 % below it with exact neighbours (2.632, 32.4 s against 30.1 s for
    /// the whole fit, quiet): the missing 4 % of neighbours cost more KL than the issue allows (0.5 %), so exact search
    /// stays the default up to 100,000 points, where it costs about 30 CPU seconds.
    /// UMAP has its own limit (<see cref="Umap.UmapOptions.ExactNeighborLimit"/>).</summary>
    public const int ExactLimit = 50_000;

    /// <summary>Recall the approximate index is sized for unless its caller asks otherwise (<see cref="NNDescentIndex"/>'s
    /// targetRecall).</summary>
    public const double ApproximateRecall = 0.995;

    /// <summary>An index over <paramref name="data"/>.</summary>
    /// <param name="data">The points.</param>
    /// <param name="method">Exact, approximate, or by <see cref="ExactLimit"/>.</param>
    /// <param name="metric">The metric.</param>
    /// <param name="seed">Seed of the approximate index.</param>
    /// <param name="threads">Threads; 0 uses every core.</param>
    /// <param name="targetRecall">Recall the approximate index is sized for.</param>
    public static IKnnIndex CreateIndex(DenseMatrix data, KnnMethod method, DistanceMetric metric = DistanceMetric.Euclidean, int seed = 0, int threads = 0,
        double targetRecall = ApproximateRecall)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (method == KnnMethod.Auto) method = data.Rows <= ExactLimit ? KnnMethod.Exact : KnnMethod.Approximate;
        return method == KnnMethod.Exact
            ? new ExactKnnIndex(data, metric, threads)
            : new NNDescentIndex(data, metric, seed: seed, threads: threads, targetRecall: targetRecall);
    }
}
