using LayerScope.Errors;
using LayerScope.Progress;
using LayerScope.Reduction.Neighbors;
using LayerScope.Reduction.Pca;

namespace LayerScope.Reduction.Tsne;

/// <summary>
/// t-distributed stochastic neighbour embedding: PCA to <see cref="TsneOptions.PcaComponents"/> dimensions, k nearest
/// neighbours, perplexity-calibrated affinities, then gradient descent with early exaggeration (phase one) and
/// without (phase two), the repulsion by Barnes–Hut or FFT interpolation.
/// </summary>
/// <remarks>L. van der Maaten and G. Hinton, "Visualizing data using t-SNE", JMLR 9, 2008; L. van der Maaten,
/// "Accelerating t-SNE using tree-based algorithms", JMLR 15, 2014; G. C. Linderman et al., "Fast
/// interpolation-based t-SNE for improved visualization of single-cell RNA-seq data", Nature Methods 16, 2019;
/// P. G. Poličar, M. Stražar and B. Zupan, "openTSNE", bioRxiv 2019 (the structure of stages).</remarks>
public sealed class TsneReducer(TsneOptions? options = null) : IReducer
{
    /// <summary>The settings <see cref="Reduce"/> uses.</summary>
    public TsneOptions Options { get; } = options ?? new TsneOptions();

    /// <inheritdoc/>
    public ReductionMethod Method => ReductionMethod.Tsne;

    /// <inheritdoc/>
    public ReducedPoints Reduce(DenseMatrix x, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var embedding = Fit(x, Options, progress, cancellationToken);
        return new ReducedPoints(Method, embedding.Positions,
            new Dictionary<string, double> { ["perplexity"] = Options.Perplexity, ["seed"] = Options.Seed },
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"t-SNE (perplexity {Options.Perplexity:0.#}, KL {embedding.KlDivergence:0.000})"));
    }

    /// <summary>Embeds the rows of <paramref name="x"/>.</summary>
    /// <exception cref="InvalidSettingsException">Settings that do not fit the data; every problem is listed.</exception>
    /// <exception cref="DataFormatException">NaN or infinite values in <paramref name="x"/>.</exception>
    public static TsneEmbedding Fit(DenseMatrix x, TsneOptions? options = null, IProgress<StepProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        options ??= new TsneOptions();
        InvalidSettingsException.ThrowIfAny(options.Validate(x.Rows));
        x.EnsureFinite("X");
        ReductionThreads.ApplyToTorch(options.Threads);

        var (pca, data) = PcaReducer.ReduceIfWider(x, options.PcaComponents, options.Seed, options.Threads, progress);

        int k = options.NeighborCountFor(x.Rows);
        progress?.Report(new StepProgress("neighbours", 0, 1, $"k = {k}"));
        var index = KnnSearch.CreateIndex(data, options.Neighbors, options.Metric, options.Seed, options.Threads);
        var graph = index.QueryIndexed(k, cancellationToken);
        progress?.Report(new StepProgress("neighbours", 1, 1, $"k = {k}"));
        var affinities = PerplexityAffinities.FromGraph(graph, options.Perplexity, options.Threads);

        var initialization = options.Initialization == TsneInitializationMethod.Random
            ? TsneInitialization.Random(x.Rows, options.Dimensions, options.Seed)
            : pca is not null
                ? TsneInitialization.FromScores(data, options.Dimensions)
                : TsneInitialization.Pca(data, options.Dimensions, options.Seed, options.Threads);
        return Optimize(affinities, initialization, options, progress, pca, index, cancellationToken);
    }

    /// <summary>Optimises an embedding for precomputed affinities from a given start (N × dims): early exaggeration,
    /// then the normal phase.</summary>
    public static TsneEmbedding Fit(TsneAffinities affinities, DenseMatrix initialization, TsneOptions? options = null,
        IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Optimize(affinities, initialization, options ?? new TsneOptions(), progress, null, null, cancellationToken);

    /// <summary><see cref="Fit(TsneAffinities, DenseMatrix, TsneOptions?, IProgress{StepProgress}?, CancellationToken)"/>
    /// with a given repulsion (benchmarks time it from outside).</summary>
    internal static TsneEmbedding Fit(TsneAffinities affinities, DenseMatrix initialization, TsneOptions options, ITsneRepulsion repulsion) =>
        Optimize(affinities, initialization, options, null, null, null, default, repulsion);

    private static TsneEmbedding Optimize(TsneAffinities affinities, DenseMatrix initialization, TsneOptions options,
        IProgress<StepProgress>? progress, PcaResult? pca, IKnnIndex? index, CancellationToken cancellationToken,
        ITsneRepulsion? givenRepulsion = null)
    {
        ArgumentNullException.ThrowIfNull(affinities);
        ArgumentNullException.ThrowIfNull(initialization);
        var problems = options.Validate(affinities.Count).ToList();
        if (initialization.Rows != affinities.Count || initialization.Columns != options.Dimensions)
            problems.Add($"the initialization is {initialization.Rows} × {initialization.Columns}; it must be {affinities.Count} × {options.Dimensions} (points × dimensions).");
        InvalidSettingsException.ThrowIfAny(problems);
        ReductionThreads.ApplyToTorch(options.Threads);

        int n = affinities.Count, dims = options.Dimensions;
        var repulsion = givenRepulsion ?? CreateRepulsion(options, n);
        var positions = initialization.ToDoubles();
        double[]? update = null, gains = null;
        TsneAffinities? storedCopy = null;
        var reports = new List<TsneIterationReport>();
        double learningRate = options.LearningRateFor(n);
        // Each phase stores the points in the Z-order of the layout it starts from (the PCA start, then the
        // exaggerated map, where the clusters have formed) once there are enough points for the order to matter.
        int Phase(int iterations, double exaggeration, double momentum, int first)
        {
            var order = n >= options.ReorderMinPoints ? TsnePointOrder.ZOrder(positions, n, dims) : null;
            var stored = order is null ? affinities : affinities.StoredAt(order, options.Threads, storedCopy);
            if (order is not null) storedCopy = stored;
            var optimizer = new TsneOptimizer(stored, order?.ToSlots(positions) ?? positions, dims, repulsion, options.Threads,
                update is null ? null : order?.ToSlots(update) ?? update, gains is null ? null : order?.ToSlots(gains) ?? gains);
            int done = optimizer.Run(iterations, exaggeration, momentum, learningRate, first, options.Iterations,
                options.ReportEvery, reports, progress, cancellationToken);
            positions = order?.ToPoints(optimizer.Positions) ?? optimizer.Positions;
            update = order?.ToPoints(optimizer.Update) ?? optimizer.Update;
            gains = order?.ToPoints(optimizer.Gains) ?? optimizer.Gains;
            return done;
        }
        int early = Math.Min(options.EarlyExaggerationIterations, options.Iterations);
        int done = Phase(early, options.EarlyExaggeration, options.InitialMomentum, 0);
        if (done == early)
            done += Phase(options.Iterations - early, options.Exaggeration, options.FinalMomentum, early);
        return new TsneEmbedding(affinities, positions, update!, gains!, options, done, reports,
            done < options.Iterations, pca, index);
    }

    internal static ITsneRepulsion CreateRepulsion(TsneOptions options, int n) => options.RepulsionFor(n) switch
    {
        TsneRepulsionMethod.Fft => new FftRepulsion(options.Threads),
        TsneRepulsionMethod.Exact => new ExactRepulsion(options.Dimensions, options.Threads),
        _ => new BarnesHutRepulsion(options.Dimensions, options.Theta, options.Threads),
    };
}
