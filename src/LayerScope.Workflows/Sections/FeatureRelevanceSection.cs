using System.Globalization;
using LayerScope.Arrays;
using LayerScope.Rendering.Html;

namespace LayerScope.Workflows.Sections;

/// <summary>
/// Which input features drove a tabular model's output: per feature, the mean relevance (signed: toward or away from
/// the explained output) per true class and the mean |relevance| over all examples, from an attribution such as
/// Integrated Gradients (one relevance per example and feature).
/// </summary>
/// <param name="FeatureNames">One name per feature (column).</param>
/// <param name="Relevance">[examples, features] relevance.</param>
/// <param name="Labels">The true class of each example.</param>
/// <param name="ClassNames">The class names.</param>
public sealed record FeatureRelevanceSection(IReadOnlyList<string> FeatureNames, Float32Array Relevance, IReadOnlyList<int> Labels, IReadOnlyList<string> ClassNames)
{
    /// <summary>What was explained and how, for the sentence above the table.</summary>
    public string Summary { get; init; } = "";

    /// <summary>Per feature: mean |relevance| over all examples, then the mean relevance in each class.</summary>
    public IReadOnlyList<(string Feature, double MeanAbsolute, IReadOnlyList<double> MeanByClass)> Rows()
    {
        int features = checked((int)Relevance.FeaturesPerExample), examples = checked((int)Relevance.Count);
        if (features != FeatureNames.Count)
            throw new ArgumentException($"{FeatureNames.Count} feature names for {features} relevance columns.", nameof(FeatureNames));
        if (Labels.Count != examples)
            throw new ArgumentException($"{Labels.Count} labels for {examples} examples.", nameof(Labels));
        var rows = new List<(string, double, IReadOnlyList<double>)>(features);
        for (int f = 0; f < features; f++)
        {
            double absolute = 0;
            var sums = new double[ClassNames.Count];
            var counts = new int[ClassNames.Count];
            for (int i = 0; i < examples; i++)
            {
                double value = Relevance.Values[(long)i * features + f];
                absolute += Math.Abs(value);
                sums[Labels[i]] += value;
                counts[Labels[i]]++;
            }
            rows.Add((FeatureNames[f], examples == 0 ? 0 : absolute / examples,
                sums.Select((sum, c) => counts[c] == 0 ? double.NaN : sum / counts[c]).ToList()));
        }
        return rows;
    }

    /// <summary>Adds a heading, the summary and the table, most relevant feature first.</summary>
    public void AddTo(ReportBuilder report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.AddHeading("Which features drove the prediction", 3);
        if (Summary.Length > 0) report.AddParagraph(Summary);
        string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
        report.AddTable(["feature", "mean |relevance|", .. ClassNames.Select(c => $"mean relevance ({c})")],
            [.. Rows().OrderByDescending(r => r.MeanAbsolute).Select(r => (IReadOnlyList<string>)[r.Feature, F(r.MeanAbsolute), .. r.MeanByClass.Select(F)])]);
    }
}
