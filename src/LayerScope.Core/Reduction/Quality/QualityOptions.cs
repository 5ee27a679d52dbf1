namespace LayerScope.Reduction.Quality;

/// <summary>Settings of <see cref="EmbeddingQuality.Evaluate"/>.</summary>
public sealed record QualityOptions
{
    /// <summary>Neighbours for trustworthiness, recall and label accuracy.</summary>
    public int K { get; init; } = 10;

    /// <summary>Above this many points the neighbour metrics use a random sample of this many points (each compared
    /// with all points); the report says so.</summary>
    public int SampleSize { get; init; } = 10_000;

    /// <summary>Perplexity of the P used for the KL divergence.</summary>
    public double Perplexity { get; init; } = 30;

    /// <summary>Compute the t-SNE KL divergence of the embedding (needs the affinities of the input).</summary>
    public bool KlDivergence { get; init; } = true;

    /// <summary>Reduce the input to this many principal components before the KL's neighbour search, as t-SNE
    /// does; 0 keeps it.</summary>
    public int PcaComponents { get; init; } = 50;

    /// <summary>Seed of the sample.</summary>
    public int Seed { get; init; }

    /// <summary>Threads; 0 uses every core.</summary>
    public int Threads { get; init; }

    /// <summary>Every problem with these settings for <paramref name="n"/> points.</summary>
    public IReadOnlyList<string> Validate(int n)
    {
        var problems = new List<string>();
        if (n < 2) problems.Add($"quality metrics need at least 2 points; {n} were given.");
        if (K < 1) problems.Add($"k {K} must be at least 1.");
        else if (n >= 2 && K >= n) problems.Add($"k {K} is too large for {n} points; it must be below N = {n}.");
        if (SampleSize < 1) problems.Add($"sample size {SampleSize} must be at least 1.");
        if (KlDivergence && !(Perplexity > 0 && Perplexity < n / 3.0))
            problems.Add($"perplexity {Perplexity} must be positive and below N/3 = {n / 3.0:0.##} for the KL divergence.");
        if (Threads < 0) problems.Add($"threads {Threads} must not be negative (0 uses every core).");
        return problems;
    }
}
