using LayerScope.Reduction.Neighbors;

namespace LayerScope.Reduction.Umap;

/// <summary>Settings of <c>UmapReducer.Fit</c>, each default defined once (umap-learn's defaults).</summary>
public sealed record UmapOptions
{
    /// <summary>Embedding dimensions.</summary>
    public int Dimensions { get; init; } = 2;

    /// <summary>Size of the local neighbourhood, the point itself included (umap-learn's <c>n_neighbors</c>).</summary>
    public int Neighbors { get; init; } = 15;

    /// <summary>How tightly points may pack: the distance below which the low-dimensional similarity is 1.</summary>
    public double MinDist { get; init; } = 0.1;

    /// <summary>The scale of the low-dimensional similarity curve.</summary>
    public double Spread { get; init; } = 1.0;

    /// <summary>SGD epochs; null: <see cref="DefaultEpochs"/> at every size.</summary>
    public int? Epochs { get; init; }

    /// <summary>The initial SGD step, decaying linearly to 0.</summary>
    public double LearningRate { get; init; } = 1.0;

    /// <summary>Negative samples per positive sample.</summary>
    public int NegativeSampleRate { get; init; } = 5;

    /// <summary>Weight of the negative samples (umap-learn's <c>repulsion_strength</c>, γ).</summary>
    public double RepulsionStrength { get; init; } = 1.0;

    /// <summary>Spectral, PCA or random start.</summary>
    public UmapInitializationMethod Initialization { get; init; } = UmapInitializationMethod.Spectral;

    /// <summary>Reduce the input to this many principal components before the neighbour search when it has more
    /// columns; 0 (umap-learn's behaviour) keeps it.</summary>
    public int PcaComponents { get; init; }

    /// <summary>The distance in the input space.</summary>
    public DistanceMetric Metric { get; init; } = DistanceMetric.Euclidean;

    /// <summary>Exact or approximate neighbours, or chosen by the number of points: exact up to
    /// <see cref="ExactNeighborLimit"/> points, NN-descent above (as umap-learn always uses pynndescent). With 15
    /// neighbours NN-descent is far cheaper than the O(N²) exact search, which would dominate UMAP's run time.</summary>
    public KnnMethod KnnMethod { get; init; } = KnnMethod.Auto;

    /// <summary>Points up to which <see cref="KnnMethod.Auto"/> searches exactly. With 15 neighbours NN-descent took
    /// 1.4 CPU seconds against exact search's 2.4 at 25,000 50-D cluster points (recall 0.961) and 4.9 against 13.5
    /// at 70,000 Fashion-MNIST points (recall 0.999).</summary>
    public const int ExactNeighborLimit = 20_000;

    /// <summary>The neighbour search used for <paramref name="n"/> points.</summary>
    public KnnMethod KnnMethodFor(int n) => KnnMethod != KnnMethod.Auto ? KnnMethod : n <= ExactNeighborLimit ? KnnMethod.Exact : KnnMethod.Approximate;

    /// <summary>Seed of every random choice; equal seeds and settings give equal embeddings. The SGD does not depend on
    /// the thread count; a PCA or spectral start goes through libtorch, whose rounding may. A 2-D layout takes its steps
    /// in 256-bit vectors where the processor has them and one by one where not, so two such machines differ.</summary>
    public int Seed { get; init; }

    /// <summary>Threads; 0 uses every core.</summary>
    public int Threads { get; init; }

    /// <summary>The epochs of a fit when <see cref="Epochs"/> is null. umap-learn runs 500 up to 10,000 points and 200
    /// above; with this SGD's in-place blocks 300 matched its trustworthiness at every size measured (Fashion-MNIST,
    /// 50 PCs, two seeds each, umap-learn's in brackets): 10,000 points 0.9861 and 0.9866 (0.9863; 500 epochs gave
    /// 0.9866 and 0.9872), 25,000 0.9852 and 0.9834 (0.9836–0.9839), 70,000 0.9824 and 0.9828 (0.9826; 200 epochs gave
    /// 0.9821 and 0.9813).</summary>
    public const int DefaultEpochs = 300;

    /// <summary>The epochs used for <paramref name="n"/> points.</summary>
    public int EpochsFor(int n) => Epochs ?? DefaultEpochs;

    /// <summary>Every problem with these settings for <paramref name="n"/> points; empty when valid.</summary>
    public IReadOnlyList<string> Validate(int n)
    {
        var problems = new List<string>();
        if (n < 2) problems.Add($"UMAP needs at least 2 points; {n} were given.");
        if (Dimensions < 1) problems.Add($"dimensions {Dimensions} must be at least 1.");
        if (Neighbors < 2) problems.Add($"neighbors {Neighbors} must be at least 2 (the point itself and one more).");
        else if (n >= 2 && Neighbors > n) problems.Add($"neighbors {Neighbors} is too large for {n} points; it must be at most N = {n}.");
        if (!(MinDist >= 0)) problems.Add($"min-dist {MinDist} must not be negative.");
        if (!(Spread > 0)) problems.Add($"spread {Spread} must be positive.");
        else if (MinDist > Spread) problems.Add($"min-dist {MinDist} must be less than or equal to spread {Spread}.");
        if (Epochs is { } epochs && epochs < 0) problems.Add($"epochs {epochs} must not be negative.");
        if (!(LearningRate > 0)) problems.Add($"learning rate {LearningRate} must be positive.");
        if (NegativeSampleRate < 0) problems.Add($"negative sample rate {NegativeSampleRate} must not be negative.");
        if (!(RepulsionStrength >= 0)) problems.Add($"repulsion strength {RepulsionStrength} must not be negative.");
        if (PcaComponents < 0) problems.Add($"PCA components {PcaComponents} must be 0 (no PCA) or positive.");
        if (Threads < 0) problems.Add($"threads {Threads} must not be negative (0 uses every core).");
        return problems;
    }
}
