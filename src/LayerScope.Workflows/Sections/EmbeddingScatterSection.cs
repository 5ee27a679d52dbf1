using LayerScope.Rendering;
using System.Globalization;
using LayerScope.Errors;
using LayerScope.Reduction.Quality;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.PlotData;

namespace LayerScope.Workflows.Sections;

/// <summary>
/// A report section stage: an embedding scatter whose title and caption say how far to trust it. A 2-D picture of a
/// layer always looks like something; trustworthiness (are the neighbours on the page neighbours in the layer?) and
/// the k-NN label accuracy (do classes form regions?) tell a reader whether the picture is the layer's structure or
/// the reduction's invention, so every embedding scatter in a report carries both.
/// </summary>
public static class EmbeddingScatterSection
{
    /// <summary>Measures the embedding's quality against its input, draws the scatter with the figures under its
    /// title, and returns the PNG, the figures and the caption.</summary>
    /// <exception cref="InvalidSettingsException">The options do not fit together; every problem is listed.</exception>
    public static EmbeddingScatterSectionResult Create(EmbeddingScatterSectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        InvalidSettingsException.ThrowIfAny(options.Validate());
        var q = options.Quality;
        var quality = options.Neighborhood is { } known
            ? known with
            {
                LabelAccuracy = options.Labels is null ? null
                    : EmbeddingQuality.KnnLabelAccuracy(options.Embedding, options.Labels, q.K, q.SampleSize, q.Seed, q.Threads),
            }
            : EmbeddingQuality.Evaluate(options.Input, options.Embedding, options.Labels, q);
        var line = QualityLine(quality);
        var scatter = EmbeddingScatter.Create(options.Embedding, options.Labels, options.ClassNames, options.Title, options.AxisName);
        var data = scatter with { Title = scatter.Title.Length > 0 ? $"{scatter.Title}\n{line}" : line };
        var png = new ScatterFigure().RenderPng(data, options.Size);
        var sample = quality.Subsampled
            ? string.Create(CultureInfo.InvariantCulture, $" (estimated on a random {quality.SampleSize:N0} of {quality.Count:N0} points)")
            : "";
        var missing = options.Labels is not null && options.Labels.Any(l => l < 0) ? "; points without a label count as one class" : "";
        var lead = options.Caption.Length > 0 ? options.Caption + ". " : "";
        return new EmbeddingScatterSectionResult(png, quality, line, $"{lead}{Capitalized(line)}{sample}{missing}.", data);
    }

    /// <summary>"trustworthiness 0.953 · 10-NN label accuracy 0.912" (k from the report; no accuracy without labels).</summary>
    public static string QualityLine(QualityReport quality)
    {
        ArgumentNullException.ThrowIfNull(quality);
        var trust = string.Create(CultureInfo.InvariantCulture, $"trustworthiness {quality.Trustworthiness:0.000} (k = {quality.K})");
        return quality.LabelAccuracy is { } accuracy
            ? string.Create(CultureInfo.InvariantCulture, $"{trust} · {quality.K}-NN label accuracy {accuracy:0.000}")
            : trust;
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
