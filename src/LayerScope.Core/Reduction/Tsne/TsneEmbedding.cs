using LayerScope.Progress;
using LayerScope.Reduction.Neighbors;
using LayerScope.Reduction.Pca;

namespace LayerScope.Reduction.Tsne;

/// <summary>
/// A t-SNE embedding and everything needed to go on: the affinities, the optimizer's step and gains, the settings,
/// and (when fitted from data) the PCA and neighbour index to place new points. <see cref="Optimize"/> returns a new
/// embedding and leaves this one as it is (openTSNE's <c>TSNEEmbedding</c>).
/// </summary>
public sealed class TsneEmbedding
{
    private readonly double[] _positions;
    private readonly double[] _update;
    private readonly double[] _gains;

    internal TsneEmbedding(TsneAffinities affinities, double[] positions, double[] update, double[] gains, TsneOptions options,
        int iterations, IReadOnlyList<TsneIterationReport> reports, bool cancelled, PcaResult? pca, IKnnIndex? index)
    {
        Affinities = affinities;
        _positions = positions;
        _update = update;
        _gains = gains;
        Options = options;
        Iterations = iterations;
        Reports = reports;
        Cancelled = cancelled;
        Pca = pca;
        Index = index;
        Positions = DenseMatrix.FromDoubles(positions, affinities.Count, options.Dimensions);
    }

    /// <summary>The embedded points, N × dims.</summary>
    public DenseMatrix Positions { get; }

    /// <summary>The input affinities P.</summary>
    public TsneAffinities Affinities { get; }

    /// <summary>The settings the embedding was made with.</summary>
    public TsneOptions Options { get; }

    /// <summary>Iterations done in all.</summary>
    public int Iterations { get; }

    /// <summary>The KL divergence every <see cref="TsneOptions.ReportEvery"/> iterations.</summary>
    public IReadOnlyList<TsneIterationReport> Reports { get; }

    /// <summary>The last reported KL divergence of P and Q (without exaggeration), or NaN before any iteration.</summary>
    public double KlDivergence => Reports.Count > 0 ? Reports[^1].KlDivergence : double.NaN;

    /// <summary>True when the last optimisation was cancelled; the positions are those reached.</summary>
    public bool Cancelled { get; }

    /// <summary>The PCA applied to the input first, if any.</summary>
    public PcaResult? Pca { get; }

    /// <summary>The neighbour index over the (PCA-reduced) input, when the embedding was fitted from data.</summary>
    public IKnnIndex? Index { get; }

    internal double[] RawPositions => _positions;

    /// <summary>Continues the optimisation for <paramref name="iterations"/> more iterations from this state (step and
    /// gains carry over) and returns the result as a new embedding.</summary>
    /// <param name="iterations">More iterations.</param>
    /// <param name="exaggeration">Attractive-force factor; the options' <see cref="TsneOptions.Exaggeration"/> when null.</param>
    /// <param name="momentum">Momentum; the options' final momentum when null.</param>
    /// <param name="learningRate">Step; the options' learning rate when null.</param>
    /// <param name="progress">Receives "t-SNE" reports with the KL divergence.</param>
    /// <param name="cancellationToken">Stops early; the partial result is returned.</param>
    public TsneEmbedding Optimize(int iterations, double? exaggeration = null, double? momentum = null, double? learningRate = null,
        IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        var optimizer = new TsneOptimizer(Affinities, (double[])_positions.Clone(), Options.Dimensions,
            TsneReducer.CreateRepulsion(Options, Affinities.Count), Options.Threads, (double[])_update.Clone(), (double[])_gains.Clone());
        var reports = Reports.ToList();
        ReductionThreads.ApplyToTorch(Options.Threads);
        int done = optimizer.Run(iterations, exaggeration ?? Options.Exaggeration, momentum ?? Options.FinalMomentum,
            learningRate ?? Options.LearningRateFor(Affinities.Count), Iterations, Iterations + iterations, Options.ReportEvery,
            reports, progress, cancellationToken);
        return new TsneEmbedding(Affinities, optimizer.Positions, optimizer.Update, optimizer.Gains, Options, Iterations + done,
            reports, done < iterations, Pca, Index);
    }

    /// <summary>
    /// Places new points into this embedding without moving the existing ones (openTSNE's <c>transform</c>): each
    /// new point gets perplexity-calibrated affinities to its nearest fitted points, starts at their weighted mean,
    /// and is optimised against the fixed embedding.
    /// </summary>
    /// <param name="points">New points with the columns of the original input.</param>
    /// <param name="iterations">Optimisation steps for the new points.</param>
    /// <param name="perplexity">Perplexity of the new points' affinities; openTSNE uses 5 so points stay local.</param>
    /// <returns>M × dims positions of the new points.</returns>
    public DenseMatrix Transform(DenseMatrix points, int iterations = 100, double perplexity = 5)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (Index is null)
            throw new InvalidOperationException("This embedding was made from precomputed affinities; it has no input data to place new points against.");
        points.EnsureFinite("new points");
        return TsneTransform.Place(this, points, iterations, perplexity);
    }
}
