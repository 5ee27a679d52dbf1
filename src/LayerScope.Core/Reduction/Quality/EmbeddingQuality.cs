using LayerScope.Errors;
using LayerScope.Reduction.Neighbors;
using LayerScope.Reduction.Pca;
using LayerScope.Reduction.Tsne;

namespace LayerScope.Reduction.Quality;

/// <summary>
/// Quality metrics of an embedding: trustworthiness, k-NN recall, KL divergence of t-SNE's objective and k-NN label
/// accuracy. For more than <see cref="QualityOptions.SampleSize"/> points the neighbour metrics are computed on a
/// random sample of points (each against all points), and the report says so.
/// </summary>
/// <remarks>Trustworthiness: J. Venna and S. Kaski, "Neighborhood preservation in nonlinear projection methods: an
/// experimental study", ICANN 2001 (the definition scikit-learn's <c>trustworthiness</c> uses).</remarks>
public static class EmbeddingQuality
{
    /// <summary>Evaluates <paramref name="embedding"/> (N × dims) of <paramref name="input"/> (N × D).</summary>
    public static QualityReport Evaluate(DenseMatrix input, DenseMatrix embedding, IReadOnlyList<int>? labels = null, QualityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(embedding);
        options ??= new QualityOptions();
        int n = input.Rows;
        var problems = options.Validate(n).ToList();
        if (embedding.Rows != n) problems.Add($"the embedding has {embedding.Rows} points; the input has {n}. They must match row for row.");
        if (labels is not null && labels.Count != n) problems.Add($"there are {labels.Count} labels for {n} points; give one label per point.");
        InvalidSettingsException.ThrowIfAny(problems);
        input.EnsureFinite("input");
        embedding.EnsureFinite("embedding");

        var sample = Sample(n, options.SampleSize, options.Seed);
        int k = options.K;
        var (low, _) = NeighborSearch.Search(embedding, sample, k, null, options.Threads);
        var (high, penalty) = NeighborSearch.Search(input, sample, k, low, options.Threads);
        int m = sample.Length;
        double denominator = (2.0 * n - 3.0 * k - 1.0) * k * m;
        double trust = denominator > 0 ? 1 - 2 * penalty / denominator : 1;
        double recall = NeighborRecall(low, high, m, k);
        double? accuracy = labels is null ? null : LabelAccuracy(low, sample, labels, k);
        double? kl = options.KlDivergence ? KlDivergence(input, embedding, options) : null;
        return new QualityReport(n, k, m, m < n, trust, recall, kl, accuracy);
    }

    /// <summary>The share of points whose label is the most common label among their <paramref name="k"/> nearest
    /// neighbours in <paramref name="embedding"/> (the point itself excluded).</summary>
    /// <remarks>Scored on <paramref name="sampleSize"/> points drawn with <paramref name="seed"/> (each against all
    /// points) when there are more; <see cref="ScoreKnnLabelAccuracy"/> also says how many were scored.</remarks>
    public static double KnnLabelAccuracy(DenseMatrix embedding, IReadOnlyList<int> labels, int k = 10, int sampleSize = 10_000, int seed = 0, int threads = 0) =>
        ScoreKnnLabelAccuracy(embedding, labels, k, sampleSize, seed, threads).Accuracy;

    /// <summary><see cref="KnnLabelAccuracy"/> with the number of points it was scored on.</summary>
    public static SampledLabelAccuracy ScoreKnnLabelAccuracy(DenseMatrix embedding, IReadOnlyList<int> labels, int k = 10, int sampleSize = 10_000, int seed = 0, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentNullException.ThrowIfNull(labels);
        var problems = new List<string>();
        if (labels.Count != embedding.Rows) problems.Add($"there are {labels.Count} labels for {embedding.Rows} points; give one label per point.");
        if (k < 1 || k >= embedding.Rows) problems.Add($"k {k} must be between 1 and N − 1 = {embedding.Rows - 1}.");
        if (sampleSize < 1) problems.Add($"sample size {sampleSize} must be at least 1.");
        InvalidSettingsException.ThrowIfAny(problems);
        var sample = Sample(embedding.Rows, sampleSize, seed);
        var (neighbors, _) = NeighborSearch.Search(embedding, sample, k, null, threads);
        return new SampledLabelAccuracy(LabelAccuracy(neighbors, sample, labels, k), k, sample.Length, embedding.Rows);
    }

    /// <summary><see cref="KnnLabelAccuracy"/> of the given <paramref name="points"/> (row indices, ascending), each
    /// against every point of <paramref name="embedding"/>: e.g. only the points placed into an embedding fitted on others.</summary>
    public static double KnnLabelAccuracyOf(DenseMatrix embedding, IReadOnlyList<int> labels, int[] points, int k = 10, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(points);
        var problems = new List<string>();
        if (labels.Count != embedding.Rows) problems.Add($"there are {labels.Count} labels for {embedding.Rows} points; give one label per point.");
        if (k < 1 || k >= embedding.Rows) problems.Add($"k {k} must be between 1 and N − 1 = {embedding.Rows - 1}.");
        if (points.Length == 0 || points.Any(i => i < 0 || i >= embedding.Rows)) problems.Add($"the points scored must be row indices below {embedding.Rows}, at least one.");
        InvalidSettingsException.ThrowIfAny(problems);
        var (neighbors, _) = NeighborSearch.Search(embedding, points, k, null, threads);
        return LabelAccuracy(neighbors, points, labels, k);
    }

    private static int[] Sample(int n, int size, int seed)
    {
        if (n <= size) return Enumerable.Range(0, n).ToArray();
        var all = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(all);
        var sample = all[..size];
        Array.Sort(sample);
        return sample;
    }

    private static double NeighborRecall(int[] low, int[] high, int m, int k)
    {
        long hits = 0;
        for (int s = 0; s < m; s++)
        {
            var a = low.AsSpan(s * k, k);
            foreach (int j in high.AsSpan(s * k, k)) if (a.Contains(j)) hits++;
        }
        return hits / ((double)m * k);
    }

    private static double LabelAccuracy(int[] neighbors, int[] sample, IReadOnlyList<int> labels, int k)
    {
        int correct = 0;
        var votes = new Dictionary<int, int>();
        for (int s = 0; s < sample.Length; s++)
        {
            votes.Clear();
            int best = labels[neighbors[s * k]], bestVotes = 0;
            for (int c = 0; c < k; c++)
            {
                int label = labels[neighbors[s * k + c]];
                int v = votes[label] = votes.GetValueOrDefault(label) + 1;
                // Ties go to the label that reached the count first, i.e. the one with nearer neighbours.
                if (v > bestVotes) { bestVotes = v; best = label; }
            }
            if (best == labels[sample[s]]) correct++;
        }
        return correct / (double)sample.Length;
    }

    /// <summary>KL(P ‖ Q) of t-SNE: P from the input as <see cref="TsneReducer"/> computes it, Q from the embedding
    /// with Z by Barnes–Hut or FFT interpolation.</summary>
    private static double KlDivergence(DenseMatrix input, DenseMatrix embedding, QualityOptions options)
    {
        var data = input;
        if (options.PcaComponents > 0 && input.Columns > options.PcaComponents && input.Rows > options.PcaComponents)
            data = PcaReducer.Fit(input, new PcaOptions { Components = options.PcaComponents, Threads = options.Threads }).Transform(input, options.Threads);
        var tsne = new TsneOptions { Perplexity = options.Perplexity, Dimensions = Math.Clamp(embedding.Columns, 2, 3), Threads = options.Threads };
        var graph = KnnSearch.CreateIndex(data, KnnMethod.Auto, threads: options.Threads).QueryIndexed(tsne.NeighborCountFor(input.Rows));
        var p = PerplexityAffinities.FromGraph(graph, options.Perplexity, options.Threads);
        var y = embedding.ToDoubles();
        var repulsion = embedding.Columns is 2 or 3
            ? TsneReducer.CreateRepulsion(tsne with { Dimensions = embedding.Columns }, input.Rows)
            : new ExactRepulsion(embedding.Columns, options.Threads);
        double z = repulsion.Compute(y, input.Rows, new double[y.Length]);
        return TsneGradient.KlDivergence(p, y, embedding.Columns, z, options.Threads);
    }
}
