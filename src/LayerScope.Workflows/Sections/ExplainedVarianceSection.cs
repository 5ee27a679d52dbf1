using System.Globalization;
using LayerScope.Rendering;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Storage;

namespace LayerScope.Workflows.Sections;

/// <summary>
/// How much of a layer's variance its first principal components hold: a curve of each component's share and the
/// cumulative share, written as a PNG, and a table. It tells a reader whether the PCA that precedes t-SNE kept the
/// layer (0.99 of the variance in 20 of 128 dimensions) or threw much of it away.
/// </summary>
/// <param name="Ratios">Each component's share of the total variance, largest first (<c>PcaResult.ExplainedVarianceRatio</c>).</param>
public sealed record ExplainedVarianceSection(IReadOnlyList<double> Ratios)
{
    /// <summary>What was decomposed ("bilstm"), in the title and caption.</summary>
    public string Subject { get; init; } = "the layer";

    /// <summary>The PNG's file name inside the output.</summary>
    public string FileName { get; init; } = "pca-variance.png";

    /// <summary>A heading above the figure; none when null.</summary>
    public string? Heading { get; init; }

    /// <summary>The figure's size.</summary>
    public FigureSize Size { get; init; } = new(640, 520);

    /// <summary>The cumulative share after each component.</summary>
    public IReadOnlyList<double> Cumulative()
    {
        var cumulative = new double[Ratios.Count];
        double sum = 0;
        for (int i = 0; i < Ratios.Count; i++) cumulative[i] = sum += Ratios[i];
        return cumulative;
    }

    /// <summary>The curve as data: per-component and cumulative share against the component number (1-based).</summary>
    public LinePlotData Plot()
    {
        var x = Enumerable.Range(1, Ratios.Count).Select(i => (double)i).ToArray();
        return new LinePlotData($"PCA of {Subject}: explained variance", "principal component", "share of the variance",
            [new LineSeries("cumulative", x, [.. Cumulative()]), new LineSeries("per component", x, [.. Ratios])]);
    }

    /// <summary>One row per component: its number, its share and the cumulative share, with four decimals.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows()
    {
        var cumulative = Cumulative();
        return Ratios.Select((ratio, i) => (IReadOnlyList<string>)[(i + 1).ToString(CultureInfo.InvariantCulture),
            ratio.ToString("0.0000", CultureInfo.InvariantCulture), cumulative[i].ToString("0.0000", CultureInfo.InvariantCulture)]).ToList();
    }

    /// <summary>Draws the curve, writes it into <paramref name="output"/>, adds it and the table to
    /// <paramref name="report"/>, and returns the PNG.</summary>
    public byte[] AddTo(ReportBuilder report, StagedDirectory output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        if (Ratios.Count == 0) throw new InvalidOperationException("The explained-variance section needs at least one component.");
        var png = new LinePlotFigure().RenderPng(Plot(), Size);
        AtomicFile.WriteAllBytes(output.File(FileName), png);
        if (Heading is not null) report.AddHeading(Heading);
        report.AddImage(string.Create(CultureInfo.InvariantCulture,
            $"PCA of {Subject}: the first {Ratios.Count} components hold {Cumulative()[^1]:0.000} of the variance"), png);
        report.AddTable(["component", "share", "cumulative"], Rows());
        return png;
    }
}
