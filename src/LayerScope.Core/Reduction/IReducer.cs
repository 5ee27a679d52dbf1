using LayerScope.Progress;

namespace LayerScope.Reduction;

/// <summary>
/// One reduction stage: points in (one row each), 2-D or 3-D coordinates out. Every method (<see cref="ReductionMethod"/>)
/// has one, built from that method's options record, so a workflow chooses the method as data and composes the rest
/// (alignment, quality, plotting, the run) without knowing which one ran.
/// </summary>
public interface IReducer
{
    /// <summary>Which method this is.</summary>
    ReductionMethod Method { get; }

    /// <summary>Reduces the rows of <paramref name="x"/>.</summary>
    ReducedPoints Reduce(DenseMatrix x, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default);
}

/// <summary>What a reducer produced.</summary>
/// <param name="Method">The method that ran.</param>
/// <param name="Positions">N × dims coordinates.</param>
/// <param name="Parameters">The settings that shaped the result (perplexity, neighbours, seed), as run.json records them.</param>
/// <param name="Description">A phrase for people: "t-SNE (perplexity 30, KL 1.234)".</param>
public sealed record ReducedPoints(ReductionMethod Method, DenseMatrix Positions, IReadOnlyDictionary<string, double> Parameters, string Description);
