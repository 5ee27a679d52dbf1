namespace LayerScope.Cli.Commands;

/// <summary>The reductions <c>layerscope embed</c> offers.</summary>
public enum EmbeddingMethod
{
    /// <summary>Principal component analysis.</summary>
    Pca,

    /// <summary>t-SNE.</summary>
    Tsne,

    /// <summary>UMAP.</summary>
    Umap,
}
