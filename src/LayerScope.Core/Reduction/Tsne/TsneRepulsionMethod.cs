namespace LayerScope.Reduction.Tsne;

/// <summary>How t-SNE approximates the repulsive forces (the O(N²) part of the gradient).</summary>
public enum TsneRepulsionMethod
{
    /// <summary>FFT-accelerated interpolation for 2-D embeddings of at least <see cref="TsneOptions.FftThreshold"/>
    /// points, Barnes–Hut otherwise.</summary>
    Auto,

    /// <summary>Barnes–Hut space-partitioning tree (van der Maaten 2014), 2-D and 3-D.</summary>
    BarnesHut,

    /// <summary>FFT-accelerated interpolation (Linderman et al. 2019), 2-D only.</summary>
    Fft,

    /// <summary>All pairs, O(N²): for tests and a few thousand points at most.</summary>
    Exact,
}
