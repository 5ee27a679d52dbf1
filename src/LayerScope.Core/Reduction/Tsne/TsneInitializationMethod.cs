namespace LayerScope.Reduction.Tsne;

/// <summary>Where t-SNE starts.</summary>
public enum TsneInitializationMethod
{
    /// <summary>The first principal components, scaled to standard deviation 1e-4 (Kobak and Berens 2019).</summary>
    Pca,

    /// <summary>Gaussian noise with standard deviation 1e-4.</summary>
    Random,
}
