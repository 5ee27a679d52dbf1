namespace LayerScope.Reduction.Tsne;

/// <summary>Computes t-SNE's repulsive forces for an embedding.</summary>
internal interface ITsneRepulsion
{
    /// <summary>Writes the unnormalised repulsion Σ_j w_ij² (y_i − y_j) of every point into
    /// <paramref name="forces"/> (N × dims, row-major), where w_ij = 1 / (1 + ‖y_i − y_j‖²), and returns the
    /// normalisation Z = Σ_{i≠j} w_ij.</summary>
    double Compute(double[] y, int n, double[] forces);
}
