using System.Globalization;
using LayerScope.Attribution;
using LayerScope.Progress;
using LayerScope.Rendering.Html;
using LayerScope.Workflows.Explanation;
using static TorchSharp.torch;

namespace LayerScope.Workflows.Sections;

/// <summary>
/// The two figures that say how well a method explains, measured on a sample of inputs each explained toward its
/// predicted class: pixel flipping's area between the random-order and most-relevant-first deletion curves (Samek et
/// al. 2017) and the model-randomization rank correlation (Adebayo et al. 2018). Shared by the CNN demo's
/// <see cref="RelevanceMapsSection"/> and <c>explain</c>'s report.
/// </summary>
/// <param name="Trained">The model explained.</param>
/// <param name="Randomized">The same architecture with random weights; null (an imported model): no correlation.</param>
/// <param name="Settings">Settings of the methods.</param>
public sealed record RelevanceQualityCheck(AttributionSubject Trained, AttributionSubject? Randomized, AttributionSettings Settings)
{
    /// <summary>Points on each deletion curve after the start.</summary>
    public int DeletionSteps { get; init; } = 10;

    /// <summary>What a deleted input element becomes (0; the padding token for token ids).</summary>
    public double Fill { get; init; }

    /// <summary>One row per method over <paramref name="sample"/> [N, ...].</summary>
    public List<RelevanceQuality> Measure(IReadOnlyList<string> methods, Tensor sample, IProgress<StepProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = NewDisposeScope();
        long count = sample.shape[0];
        var scorer = new DifferentiableScorer(Trained.Explained);
        long[] predicted;
        using (no_grad()) predicted = scorer.Scores(sample).argmax(1).data<long>().ToArray();
        // Each method explains every input toward its own predicted class: one call per class present.
        var groups = predicted.Select((k, i) => (k, i)).GroupBy(p => p.k).Select(g => (Class: g.Key, Indices: g.Select(p => (long)p.i).ToArray())).ToList();
        var rows = new List<RelevanceQuality>();
        foreach (var method in methods)
        {
            double area = 0, correlation = 0;
            foreach (var (target, indices) in groups)
            {
                var inputs = sample.index_select(0, tensor(indices));
                var result = AttributionMethods.Run(method, Trained, inputs, target, Settings);
                area += DeletionCurve.Compute(scorer, inputs, result, new DeletionOptions { Steps = DeletionSteps, Fill = Fill }).AreaBetween * indices.Length;
                if (Randomized is not null)
                    correlation += RankCorrelation.Spearman(result, AttributionMethods.Run(method, Randomized, inputs, target, Settings)).Sum();
            }
            rows.Add(new RelevanceQuality(method, area / count, Randomized is null ? double.NaN : correlation / count));
            progress?.Report(new StepProgress("relevance quality", rows.Count, methods.Count, method));
        }
        return rows;
    }

    /// <summary>The quality table: method, deletion area, randomization correlation ("–" where not measured).</summary>
    public static void AddTable(ReportBuilder report, IReadOnlyList<RelevanceQuality> quality)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(quality);
        report.AddTable(["method", "deletion: area between curves", "rank correlation with a randomized model"],
            quality.Select(q => (IReadOnlyList<string>)[q.Method, Number(q.DeletionAreaBetween), Number(q.RandomizationRankCorrelation)]).ToList());
    }

    private static string Number(double value) => double.IsNaN(value) ? "–" : value.ToString("0.000", CultureInfo.InvariantCulture);
}
