using LayerScope.Errors;
using LayerScope.Progress;

namespace LayerScope.Reduction;

/// <summary>The identity reduction: a layer of 2 or 3 units is its own picture, its units the axes. Refuses wider
/// input rather than silently dropping columns.</summary>
public sealed class RawReducer : IReducer
{
    /// <inheritdoc/>
    public ReductionMethod Method => ReductionMethod.Raw;

    /// <summary>Whether a layer of <paramref name="units"/> units can be drawn as it is.</summary>
    public static bool Fits(long units) => units is 2 or 3;

    /// <inheritdoc/>
    public ReducedPoints Reduce(DenseMatrix x, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!Fits(x.Columns))
            throw new InvalidSettingsException([$"the raw reduction draws a layer of 2 or 3 units as it is; this one has {x.Columns}. Use pca, tsne or umap."]);
        return new ReducedPoints(Method, x, new Dictionary<string, double>(), "raw units");
    }
}
