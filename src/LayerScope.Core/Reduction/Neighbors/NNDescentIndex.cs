namespace LayerScope.Reduction.Neighbors;

/// <summary>Placeholder until NN-descent lands: searches exactly.</summary>
public sealed class NNDescentIndex : IKnnIndex
{
    private readonly ExactKnnIndex _exact;

    public NNDescentIndex(DenseMatrix data, DistanceMetric metric = DistanceMetric.Euclidean, int seed = 0, int threads = 0)
    {
        _exact = new ExactKnnIndex(data, metric, threads);
        _ = seed;
    }

    public DenseMatrix Data => _exact.Data;
    public DistanceMetric Metric => _exact.Metric;
    public KnnGraph QueryIndexed(int k, CancellationToken cancellationToken = default) => _exact.QueryIndexed(k, cancellationToken);
    public KnnGraph Query(DenseMatrix queries, int k, CancellationToken cancellationToken = default) => _exact.Query(queries, k, cancellationToken);
}
