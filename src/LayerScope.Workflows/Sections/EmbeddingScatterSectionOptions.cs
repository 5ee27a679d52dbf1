using LayerScope.Rendering;
using LayerScope.Reduction;
using LayerScope.Reduction.Quality;

namespace LayerScope.Workflows.Sections;

/// <summary>Settings of <see cref="EmbeddingScatterSection.Create"/>: the points in both spaces, their labels and how
/// the figure is titled.</summary>
public sealed record EmbeddingScatterSectionOptions
{
    /// <summary>The high-dimensional points the embedding was made from (N × D): the space trustworthiness is measured
    /// against.</summary>
    public required DenseMatrix Input { get; init; }

    /// <summary>The embedding (N × 2, or more: the first two columns are drawn, the quality uses all).</summary>
    public required DenseMatrix Embedding { get; init; }

    /// <summary>One class per point (colors, and the k-NN label accuracy), or null for one color and no accuracy.
    /// Labels below zero are drawn as "missing" and count as one more class in the accuracy.</summary>
    public int[]? Labels { get; init; }

    /// <summary>Names of the label values 0, 1, ...; when null or too short the values themselves are the names.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The figure's title, above the quality line; empty for the quality line alone.</summary>
    public string Title { get; init; } = "";

    /// <summary>What the axes are called ("t-SNE" gives "t-SNE 1" and "t-SNE 2").</summary>
    public string AxisName { get; init; } = "dimension";

    /// <summary>What the figure shows, for the report's caption; the quality figures are appended.</summary>
    public string Caption { get; init; } = "";

    /// <summary>How the quality is measured (neighbours k, sample size, seed, threads). The KL divergence is off by
    /// default: it needs t-SNE's affinities and the caption does not show it.</summary>
    public QualityOptions Quality { get; init; } = new() { KlDivergence = false };

    /// <summary>The neighbourhood figures (trustworthiness, recall) of this same input and embedding under these
    /// <see cref="Quality"/> options, when already measured: they depend on neither labels nor colours, so a second
    /// scatter of the same points computes only its label accuracy. Null: everything is measured.</summary>
    public QualityReport? Neighborhood { get; init; }

    /// <summary>The PNG's size (default 800 × 600).</summary>
    public FigureSize Size { get; init; } = FigureSize.Default;

    /// <summary>Every problem with these settings, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        const string name = nameof(EmbeddingScatterSectionOptions);
        var problems = new List<string>();
        if (Input is null) problems.Add($"{name}.{nameof(Input)} is missing: give the high-dimensional points.");
        if (Embedding is null) problems.Add($"{name}.{nameof(Embedding)} is missing: give the embedded points.");
        if (Quality is null) problems.Add($"{name}.{nameof(Quality)} is missing.");
        if (Input is not { } input || Embedding is not { } embedding || Quality is not { } quality) return problems;
        if (embedding.Columns < 2)
            problems.Add($"{name}.{nameof(Embedding)} has {embedding.Columns} column(s); a scatter needs at least 2.");
        if (embedding.Rows != input.Rows)
            problems.Add($"{name}.{nameof(Embedding)} has {embedding.Rows} rows but {name}.{nameof(Input)} has {input.Rows}; they must match row for row.");
        if (Labels is not null && Labels.Length != embedding.Rows)
            problems.Add($"{name}.{nameof(Labels)} has {Labels.Length} entries for {embedding.Rows} points; give one label per point.");
        problems.AddRange(quality.Validate(input.Rows).Select(p => $"{name}.{nameof(Quality)}: {p}"));
        return problems;
    }
}
