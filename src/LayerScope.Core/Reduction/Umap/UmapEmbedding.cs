using LayerScope.Progress;
using LayerScope.Reduction.Neighbors;
using LayerScope.Reduction.Pca;

namespace LayerScope.Reduction.Umap;

/// <summary>A UMAP embedding with its graph and settings, so it can be refined (<see cref="Optimize"/>) and new
/// points can be placed into it (<see cref="Transform"/>).</summary>
public sealed class UmapEmbedding
{
    internal UmapEmbedding(UmapGraph graph, float[] positions, UmapOptions options, double a, double b, int epochs, bool cancelled,
        bool spectral, PcaResult? pca, IKnnIndex? index)
    {
        Graph = graph;
        Options = options;
        A = a;
        B = b;
        Epochs = epochs;
        Cancelled = cancelled;
        UsedSpectralInitialization = spectral;
        Pca = pca;
        Index = index;
        Positions = new DenseMatrix(positions, graph.Count, options.Dimensions);
    }

    /// <summary>The embedded points, N × dims.</summary>
    public DenseMatrix Positions { get; }

    /// <summary>The fuzzy simplicial set.</summary>
    public UmapGraph Graph { get; }

    /// <summary>The settings.</summary>
    public UmapOptions Options { get; }

    /// <summary>The fitted curve parameter a of 1 / (1 + a d^(2b)).</summary>
    public double A { get; }

    /// <summary>The fitted curve parameter b.</summary>
    public double B { get; }

    /// <summary>Epochs done in all.</summary>
    public int Epochs { get; }

    /// <summary>True when the last optimisation was cancelled.</summary>
    public bool Cancelled { get; }

    /// <summary>False when the spectral start fell back (disconnected graph or no convergence) or was not asked for.</summary>
    public bool UsedSpectralInitialization { get; }

    /// <summary>The PCA applied before the neighbour search, if any.</summary>
    public PcaResult? Pca { get; }

    /// <summary>The neighbour index over the input, when fitted from data.</summary>
    public IKnnIndex? Index { get; }

    /// <summary>Refines the layout for <paramref name="epochs"/> more epochs, with a new linearly decaying step from
    /// <paramref name="learningRate"/> (default: a tenth of the options' rate, so a finished layout is refined rather
    /// than shaken). Returns a new embedding.</summary>
    public UmapEmbedding Optimize(int epochs, double? learningRate = null, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        var positions = (float[])Positions.Values.Clone();
        int done = UmapLayoutOptimizer.Fit(Graph, positions, A, B, Options, Options.Seed + Epochs, epochs,
            learningRate ?? Options.LearningRate / 10, progress, cancellationToken);
        return new UmapEmbedding(Graph, positions, Options, A, B, Epochs + done, done < epochs, UsedSpectralInitialization, Pca, Index);
    }

    /// <summary>Places new points (umap-learn's <c>transform</c>): memberships to their nearest fitted points, a start
    /// at the membership-weighted mean of those points, then SGD of the new points only against the fixed layout.</summary>
    /// <returns>M × dims positions.</returns>
    public DenseMatrix Transform(DenseMatrix points, int? epochs = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (Index is null) throw new InvalidOperationException("This embedding was made from a precomputed graph; it has no input data to place new points against.");
        points.EnsureFinite("new points");
        return UmapTransform.Place(Index, Pca, Positions.Values, Graph.Count, Options, A, B, points, epochs);
    }
}
