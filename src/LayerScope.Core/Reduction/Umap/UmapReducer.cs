using LayerScope.Errors;
using LayerScope.Progress;
using LayerScope.Reduction.Neighbors;
using LayerScope.Reduction.Pca;

namespace LayerScope.Reduction.Umap;

/// <summary>
/// Uniform manifold approximation and projection, in pipeline order: nearest neighbours → fuzzy simplicial set →
/// spectral (or PCA) start → SGD layout.
/// </summary>
/// <remarks>L. McInnes, J. Healy and J. Melville, "UMAP: Uniform Manifold Approximation and Projection for Dimension
/// Reduction", arXiv:1802.03426, 2018; the defaults and stages follow umap-learn.</remarks>
public sealed class UmapReducer(UmapOptions? options = null) : IReducer
{
    /// <summary>The settings <see cref="Reduce"/> uses.</summary>
    public UmapOptions Options { get; } = options ?? new UmapOptions();

    /// <inheritdoc/>
    public ReductionMethod Method => ReductionMethod.Umap;

    /// <inheritdoc/>
    public ReducedPoints Reduce(DenseMatrix x, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var embedding = Fit(x, Options, progress, cancellationToken);
        return new ReducedPoints(Method, embedding.Positions,
            new Dictionary<string, double> { ["neighbors"] = Options.Neighbors, ["minDist"] = Options.MinDist, ["seed"] = Options.Seed },
            "UMAP");
    }

    // Recall of UMAP's approximate 15-NN graph (above UmapOptions.ExactNeighborLimit): 0.97, where its speed against
    // umap-learn was measured (bench/RESULTS.md, session 6); t-SNE's affinities ask for more (KnnSearch.ApproximateRecall).
    private const double UmapNeighborRecall = 0.97;

    /// <summary>Embeds the rows of <paramref name="x"/>.</summary>
    /// <exception cref="InvalidSettingsException">Settings that do not fit the data; every problem is listed.</exception>
    /// <exception cref="DataFormatException">NaN or infinite values in <paramref name="x"/>.</exception>
    public static UmapEmbedding Fit(DenseMatrix x, UmapOptions? options = null, IProgress<StepProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        options ??= new UmapOptions();
        InvalidSettingsException.ThrowIfAny(options.Validate(x.Rows));
        x.EnsureFinite("X");
        ReductionThreads.ApplyToTorch(options.Threads);
        var (pca, data) = PcaReducer.ReduceIfWider(x, options.PcaComponents, options.Seed, options.Threads, progress);
        int k = Math.Min(x.Rows - 1, options.Neighbors - 1);
        progress?.Report(new StepProgress("neighbours", 0, 1, $"k = {k}"));
        var index = KnnSearch.CreateIndex(data, options.KnnMethodFor(x.Rows), options.Metric, options.Seed, options.Threads,
            targetRecall: UmapNeighborRecall);
        var knn = index.QueryIndexed(k, cancellationToken);
        progress?.Report(new StepProgress("neighbours", 1, 1, $"k = {k}"));
        var graph = FuzzySimplicialSet.FromGraph(knn, options.Threads);

        DenseMatrix? start = null;
        if (options.Initialization == UmapInitializationMethod.Spectral)
            start = SpectralInitialization.TrySpectral(graph, options.Dimensions, options.Seed, options.Threads, data: data);
        bool spectral = start is not null;
        start ??= options.Initialization == UmapInitializationMethod.Random
            ? SpectralInitialization.Random(x.Rows, options.Dimensions, options.Seed)
            : SpectralInitialization.Pca(data, options.Dimensions, options.Seed, options.Threads);
        return Optimize(graph, start, options, spectral, pca, index, progress, cancellationToken);
    }

    /// <summary>Lays out a precomputed graph from a given start (N × dims).</summary>
    public static UmapEmbedding Fit(UmapGraph graph, DenseMatrix initialization, UmapOptions? options = null,
        IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(initialization);
        options ??= new UmapOptions();
        var problems = options.Validate(graph.Count).ToList();
        if (initialization.Rows != graph.Count || initialization.Columns != options.Dimensions)
            problems.Add($"the initialization is {initialization.Rows} × {initialization.Columns}; it must be {graph.Count} × {options.Dimensions}.");
        InvalidSettingsException.ThrowIfAny(problems);
        return Optimize(graph, initialization, options, false, null, null, progress, cancellationToken);
    }

    private static UmapEmbedding Optimize(UmapGraph graph, DenseMatrix start, UmapOptions options, bool spectral, PcaResult? pca,
        IKnnIndex? index, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        var (a, b) = UmapCurve.Fit(options.MinDist, options.Spread);
        int epochs = options.EpochsFor(graph.Count);
        var positions = (float[])start.Values.Clone();
        int done = UmapLayoutOptimizer.Fit(graph, positions, a, b, options, options.Seed, epochs, options.LearningRate, progress, cancellationToken);
        return new UmapEmbedding(graph, positions, options, a, b, done, done < epochs, spectral, pca, index);
    }
}
