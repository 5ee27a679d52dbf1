namespace LayerScope.Reduction.Neighbors;

/// <summary>A nearest-neighbour index over a fixed set of points (openTSNE's <c>KNNIndex</c>: build once, query
/// many times).</summary>
public interface IKnnIndex
{
    /// <summary>The indexed points.</summary>
    DenseMatrix Data { get; }

    /// <summary>The metric.</summary>
    DistanceMetric Metric { get; }

    /// <summary>The <paramref name="k"/> nearest other points of every indexed point (self excluded).</summary>
    KnnGraph QueryIndexed(int k, CancellationToken cancellationToken = default);

    /// <summary>The <paramref name="k"/> nearest indexed points of each row of <paramref name="queries"/>.</summary>
    KnnGraph Query(DenseMatrix queries, int k, CancellationToken cancellationToken = default);
}
