namespace LayerScope.Reduction.Tsne;

/// <summary>The KL divergence after <paramref name="Iteration"/> iterations (with the exaggeration then in use).</summary>
public sealed record TsneIterationReport(int Iteration, double KlDivergence, double Exaggeration);
