using LayerScope.Reduction.Neighbors;

namespace LayerScope.Reduction.Tsne;

/// <summary>
/// Settings of <c>TsneReducer.Fit</c>, each default defined here once (the command line reads them from here).
/// </summary>
/// <remarks>
/// Schedule as in scikit-learn and openTSNE: early exaggeration 12 for 250 iterations with momentum 0.5, then
/// momentum 0.8; learning rate max(N / 12, 200) (Belkina et al., "Automated optimized parameters for t-distributed
/// stochastic neighbor embedding improve visualization and analysis of large datasets", Nature Communications 10,
/// 2019); PCA initialisation scaled to standard deviation 1e-4 (Kobak and Berens, "The art of using t-SNE for
/// single-cell transcriptomics", Nature Communications 10, 2019).
/// </remarks>
public sealed record TsneOptions
{
    /// <summary>Embedding dimensions, 2 or 3.</summary>
    public int Dimensions { get; init; } = 2;

    /// <summary>The effective number of neighbours each point's Gaussian covers; 3 × perplexity neighbours are
    /// used.</summary>
    public double Perplexity { get; init; } = 30;

    /// <summary>Reduce the input to this many principal components first when it has more columns; 0 keeps the
    /// input as it is.</summary>
    public int PcaComponents { get; init; } = 50;

    /// <summary>Iterations in all, the early-exaggeration phase included.</summary>
    public int Iterations { get; init; } = 1000;

    /// <summary>Iterations of the early-exaggeration phase.</summary>
    public int EarlyExaggerationIterations { get; init; } = 250;

    /// <summary>The factor attractive forces are multiplied by in the early-exaggeration phase.</summary>
    public double EarlyExaggeration { get; init; } = 12;

    /// <summary>The factor of the attractive forces after early exaggeration (1 is plain t-SNE).</summary>
    public double Exaggeration { get; init; } = 1;

    /// <summary>The gradient-descent step; null chooses max(N / 12, 200). As in FIt-SNE and openTSNE, the rate
    /// multiplies the gradient without its constant factor 4.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Momentum during early exaggeration.</summary>
    public double InitialMomentum { get; init; } = 0.5;

    /// <summary>Momentum afterwards.</summary>
    public double FinalMomentum { get; init; } = 0.8;

    /// <summary>The Barnes–Hut accuracy: a cell is summarised when its width over its distance is below θ.</summary>
    public double Theta { get; init; } = 0.5;

    /// <summary>Barnes–Hut, FFT interpolation, exact, or chosen by the number of points.</summary>
    public TsneRepulsionMethod Repulsion { get; init; } = TsneRepulsionMethod.Auto;

    /// <summary>The number of points from which <see cref="TsneRepulsionMethod.Auto"/> uses FFT interpolation (2-D).</summary>
    public int FftThreshold { get; init; } = 8000;

    /// <summary>PCA or random start.</summary>
    public TsneInitializationMethod Initialization { get; init; } = TsneInitializationMethod.Pca;

    /// <summary>The distance in the input space.</summary>
    public DistanceMetric Metric { get; init; } = DistanceMetric.Euclidean;

    /// <summary>Exact or approximate nearest neighbours, or chosen by the number of points.</summary>
    public KnnMethod Neighbors { get; init; } = KnnMethod.Auto;

    /// <summary>Seed of every random choice; equal seeds and settings give equal embeddings. The optimizer does not
    /// depend on the thread count; the PCA start goes through libtorch, whose rounding may. With the PCA start, exact
    /// neighbours and exact PCA (up to <see cref="KnnSearch.ExactLimit"/> points and
    /// <see cref="Pca.PcaReducer.ExactColumnLimit"/> columns) nothing is random, so the seed has no effect (as in
    /// openTSNE); a random start (<see cref="TsneInitializationMethod.Random"/>) or approximate neighbours use it.</summary>
    public int Seed { get; init; }

    /// <summary>Threads for libtorch and the parallel loops; 0 uses every core.</summary>
    public int Threads { get; init; }

    /// <summary>From this many points the optimizer stores the points in a Z-order of the layout
    /// (<see cref="TsnePointOrder"/>); below it the positions fit in cache anyway (50,000 points: 0.8 MB). Internal:
    /// tests set it to compare both orders.</summary>
    internal int ReorderMinPoints { get; init; } = 50_000;

    /// <summary>The KL divergence is computed and reported every this many iterations.</summary>
    public int ReportEvery { get; init; } = 50;

    /// <summary>The perplexity for <paramref name="points"/> points: <paramref name="preferred"/> when it fits,
    /// else the largest that stays clear of the N/3 limit <see cref="Validate"/> enforces (small data sets).</summary>
    public static double PerplexityFor(int points, double preferred = 30) => Math.Min(preferred, (points - 1) / 3.0 - 1);

    /// <summary>The learning rate used for <paramref name="n"/> points.</summary>
    public double LearningRateFor(int n) => LearningRate ?? Math.Max(n / 12.0, 200.0);

    /// <summary>The neighbours per point used for the affinities: 3 × perplexity, at most N − 1.</summary>
    public int NeighborCountFor(int n) => Math.Max(1, Math.Min(n - 1, (int)Math.Floor(3 * Perplexity)));

    /// <summary>The repulsion method used for <paramref name="n"/> points.</summary>
    public TsneRepulsionMethod RepulsionFor(int n) => Repulsion != TsneRepulsionMethod.Auto
        ? Repulsion
        : Dimensions == 2 && n >= FftThreshold ? TsneRepulsionMethod.Fft : TsneRepulsionMethod.BarnesHut;

    /// <summary>Every problem with these settings for <paramref name="n"/> points, each naming the setting, the value
    /// and what is expected; empty when valid.</summary>
    public IReadOnlyList<string> Validate(int n)
    {
        var problems = new List<string>();
        if (n < 2) problems.Add($"t-SNE needs at least 2 points; {n} were given.");
        if (Dimensions is not (2 or 3)) problems.Add($"dimensions {Dimensions} must be 2 or 3.");
        if (!(Perplexity > 0) || double.IsInfinity(Perplexity))
            problems.Add($"perplexity {Perplexity} must be a positive number.");
        else if (n >= 2 && Perplexity >= n / 3.0)
            problems.Add($"perplexity {Perplexity} is too large for {n} points; it must be below N/3 = {n / 3.0:0.##}. Use a smaller perplexity or more points.");
        if (PcaComponents < 0) problems.Add($"PCA components {PcaComponents} must be 0 (no PCA) or positive.");
        if (Iterations < 0) problems.Add($"iterations {Iterations} must not be negative.");
        if (EarlyExaggerationIterations < 0) problems.Add($"early exaggeration iterations {EarlyExaggerationIterations} must not be negative.");
        if (!(EarlyExaggeration > 0)) problems.Add($"early exaggeration {EarlyExaggeration} must be positive.");
        if (!(Exaggeration > 0)) problems.Add($"exaggeration {Exaggeration} must be positive.");
        if (LearningRate is { } rate && !(rate > 0)) problems.Add($"learning rate {rate} must be positive (or unset for max(N/12, 200)).");
        if (!(InitialMomentum >= 0 && InitialMomentum < 1)) problems.Add($"initial momentum {InitialMomentum} must be in [0, 1).");
        if (!(FinalMomentum >= 0 && FinalMomentum < 1)) problems.Add($"final momentum {FinalMomentum} must be in [0, 1).");
        if (!(Theta > 0 && Theta <= 1)) problems.Add($"theta {Theta} must be in (0, 1]; 0.5 is usual.");
        if (Repulsion == TsneRepulsionMethod.Fft && Dimensions != 2)
            problems.Add($"FFT-interpolated repulsion works for 2 dimensions only; {Dimensions} were asked for. Use Barnes–Hut.");
        if (FftThreshold < 0) problems.Add($"FFT threshold {FftThreshold} must not be negative.");
        if (Threads < 0) problems.Add($"threads {Threads} must not be negative (0 uses every core).");
        if (ReportEvery < 1) problems.Add($"report interval {ReportEvery} must be at least 1.");
        return problems;
    }
}
