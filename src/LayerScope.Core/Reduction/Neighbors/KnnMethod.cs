namespace LayerScope.Reduction.Neighbors;

/// <summary>How nearest neighbours are found.</summary>
public enum KnnMethod
{
    /// <summary>Exact up to <see cref="KnnSearch.ExactLimit"/> points, approximate above.</summary>
    Auto,

    /// <summary>Blocked GEMM over all pairs (<see cref="ExactKnnIndex"/>).</summary>
    Exact,

    /// <summary>NN-descent (<see cref="NNDescentIndex"/>).</summary>
    Approximate,
}
