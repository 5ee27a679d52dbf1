namespace LayerScope.Reduction.Neighbors;

/// <summary>Builds the index a <see cref="KnnMethod"/> asks for.</summary>
public static class KnnSearch
{
    /// <summary>Points up to which <see cref="KnnMethod.Auto"/> searches exactly. The exact GEMM search costs O(N²);
    /// the approximate index sized for <see cref="ApproximateRecall"/> took 5.0 CPU seconds against exact's 20.1 for
    /// t-SNE's 90 neighbours at 70,000 Fashion-MNIST points (recall 0.993), 7.2 against about 20 at 70,000 50-D
    /// cluster points (0.998), and 65 against about 285 at 250,000 of them (0.996) (bench/RESULTS.md, session 7).
    /// Sized for 0.97 instead (session 6), the graph's missing 4 % of neighbours left the t-SNE's KL 1.7 % above
    /// FIt-SNE's at 70,000 Fashion-MNIST points, where exact neighbours gave 0.3 % below it. Sized for 0.995, the KL
    /// equals FIt-SNE's (2.639, 0.27 % above the exact graph's 2.632; the issue allows 0.5 %), so exact search is the
    /// default up to 50,000 points only, where it costs about 10 CPU seconds.
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
