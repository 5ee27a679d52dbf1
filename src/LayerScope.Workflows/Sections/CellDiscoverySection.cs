using System.Globalization;
using LayerScope.Interpretation;
using LayerScope.Rendering;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Storage;

namespace LayerScope.Workflows.Sections;

/// <summary>
/// The cells found to track context features (<see cref="CellDiscovery"/>), shown three ways: a table of the best
/// cells per feature, the passage colored by each of them (with a hover text per character), and a heatmap of the best
/// cell per feature over the first characters, each row scaled to its own range so a cell moving within ±0.5 is as
/// visible as one reaching ±60.
/// </summary>
/// <param name="Discovered">The ranked cells per feature.</param>
/// <param name="Cells">Every layer's states over the passage (the cells the ranking refers to by layer and index).</param>
/// <param name="Passage">The text the states were recorded on, one state per character.</param>
public sealed record CellDiscoverySection(IReadOnlyList<FeatureCells> Discovered, IReadOnlyList<LayerStates> Cells, string Passage)
{
    /// <summary>One line per character shown when it is hovered (the model's next-character guesses); none when null.</summary>
    public IReadOnlyList<string>? HoverTexts { get; init; }

    /// <summary>Cells per feature colored into the passage.</summary>
    public int CellsPerFeature { get; init; } = 2;

    /// <summary>Characters (columns) of the heatmap.</summary>
    public int HeatmapCharacters { get; init; } = 120;

    /// <summary>The heatmap's size.</summary>
    public FigureSize HeatmapSize { get; init; } = new(1000, 420);

    /// <summary>Adds the table, the colored passage and the heatmap (written as <c>cells-heatmap.png</c>).</summary>
    public void AddTo(ReportBuilder report, StagedDirectory output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        report.AddHeading("Discovered cells");
        report.AddParagraph("For each feature, the cells whose state over the passage correlates best with it (Pearson r). "
            + "A cell worth looking at stands clearly above the median |r| of all cells.");
        report.AddTable(["feature", "rank", "layer", "cell", "r", "median |r| (all cells)"],
            Discovered.SelectMany(f => f.Top.Select((c, k) => (IReadOnlyList<string>)
                [f.Feature.Name, (k + 1).ToString(CultureInfo.InvariantCulture), c.Layer, c.Cell.ToString(CultureInfo.InvariantCulture),
                 c.R.ToString("0.000", CultureInfo.InvariantCulture), f.MedianAbsR.ToString("0.000", CultureInfo.InvariantCulture)])).ToList());

        var traces = Discovered.SelectMany(f => f.Top.Take(CellsPerFeature).Select(c => new TextTrace(
                string.Create(CultureInfo.InvariantCulture, $"{c.Layer} cell {c.Cell}: {f.Feature.Name}, r = {c.R:0.00}"), Unit(c))))
            .Concat(Discovered.Select(f => new TextTrace($"the feature itself: {f.Feature.Name}", f.Feature.Values)))
            .ToList();
        if (traces.Count == 0) return;
        report.AddHeading("The passage, colored by a cell");
        report.AddParagraph("Each character's background is the chosen cell's state after reading it: blue negative, white 0, red positive "
            + "(scaled by the cell's largest |value| in the passage)." + (HoverTexts is null ? "" : " Hover a character for the model's top 5 guesses of the next one."));
        report.AddTextView("Held-out passage colored by", Passage, traces, HoverTexts);

        var best = Discovered.Select(f => f.Top[0]).DistinctBy(c => (c.Layer, c.Cell)).ToList();
        int columns = Math.Min(HeatmapCharacters, Passage.Length);
        var values = new double[best.Count, columns];
        for (int r = 0; r < best.Count; r++)
        {
            var unit = Unit(best[r]);
            for (int t = 0; t < columns; t++) values[r, t] = unit[t];
        }
        var png = new HeatmapFigure().RenderPng(new HeatmapData(values, $"Discovered cells over the first {columns} characters", "cell", "character", "cell state c",
            [.. best.Select(c => $"{c.Layer}/{c.Cell}")], [.. CharacterGlyphs.Labels(Passage.AsSpan(0, columns))]) { Scaling = HeatmapScaling.PerRow }, HeatmapSize);
        AtomicFile.WriteAllBytes(output.File("cells-heatmap.png"), png);
        report.AddImage("The best cell per feature (rows) over the first characters of the passage (columns)", png);
    }

    private double[] Unit(CellCorrelation cell) => Cells.Single(l => l.Layer == cell.Layer).Unit(cell.Cell);
}
