namespace LayerScope.Reduction.Umap;

/// <summary>Where UMAP starts.</summary>
public enum UmapInitializationMethod
{
    /// <summary>Eigenvectors of the graph's normalised Laplacian; falls back to <see cref="Pca.PcaReducer"/> when the graph is
    /// disconnected or the eigenvectors do not converge.</summary>
    Spectral,

    /// <summary>The first principal components of the input.</summary>
    Pca,

    /// <summary>Uniform random positions.</summary>
    Random,
}
