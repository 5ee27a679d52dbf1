namespace LayerScope.Reduction.Neighbors;

/// <summary>Builds the index a <see cref="KnnMethod"/> asks for.</summary>
public static class KnnSearch
{
    /// <summary>Points up to which <see cref="KnnMethod.Auto"/> searches exactly.</summary>
    public const int ExactLimit = 200_000;

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
