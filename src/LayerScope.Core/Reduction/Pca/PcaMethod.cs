namespace LayerScope.Reduction.Pca;

/// <summary>How <see cref="PcaReducer"/> finds the principal components.</summary>
public enum PcaMethod
{
    /// <summary>Exact when the data has few columns (at most 512) or many components are asked for, randomized
    /// otherwise.</summary>
    Auto,

    /// <summary>Eigen-decomposition of the covariance matrix (D × D), accumulated over blocks of rows.</summary>
    Exact,

    /// <summary>Randomized SVD with power iterations (Halko, Martinsson and Tropp 2011).</summary>
    Randomized,
}
