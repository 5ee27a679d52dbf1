using LayerScope.Rendering;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.PlotData;
using ScottPlot.Plottables;

namespace LayerScope.Tests.Rendering;

public sealed class HeatmapFigureTests
{
    private static double[,] Matrix(int rows, int columns, Func<int, int, double> value)
    {
        var m = new double[rows, columns];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
                m[r, c] = value(r, c);
        return m;
    }

    [Fact]
    public void RenderPng_has_the_requested_size_and_is_not_blank()
    {
        var data = new HeatmapData(Matrix(8, 12, (r, c) => Math.Sin(r * 0.7) * Math.Cos(c * 0.4)), "Activations", "unit", "time step", "activation");
        PngAssert.DecodesToNonBlank(new HeatmapFigure().RenderPng(data, new FigureSize(600, 400)), 600, 400);
    }

    [Fact]
    public void Values_of_both_signs_use_the_diverging_colormap_symmetric_about_zero()
    {
        var data = new HeatmapData(Matrix(2, 2, (r, c) => r == 0 ? -1 : 3), "", "r", "c", "v");
        using var plot = new HeatmapFigure().BuildPlot(data);
        var heatmap = Assert.Single(plot.GetPlottables().OfType<Heatmap>());
        Assert.Equal(new ScottPlot.Colormaps.Balance().Name, heatmap.Colormap.Name);
        Assert.Equal(-3, heatmap.ManualRange!.Value.Min);
        Assert.Equal(3, heatmap.ManualRange!.Value.Max);
        Assert.True(HeatmapFigure.IsDiverging(data.Values));
    }

    [Fact]
    public void Values_of_one_sign_use_the_sequential_colormap()
    {
        var data = new HeatmapData(Matrix(3, 4, (r, c) => r + c), "", "r", "c", "v", ["a", "b", "c"], ["w", "x", "y", "z"]);
        using var plot = new HeatmapFigure().BuildPlot(data);
        var heatmap = Assert.Single(plot.GetPlottables().OfType<Heatmap>());
        Assert.Equal(new ScottPlot.Colormaps.Viridis().Name, heatmap.Colormap.Name);
        Assert.False(HeatmapFigure.IsDiverging(data.Values));
        PngAssert.DecodesToNonBlank(new HeatmapFigure().RenderPng(data, new FigureSize(300, 300)), 300, 300);
    }

    [Fact]
    public void Empty_constant_and_missing_values_render()
    {
        var figure = new HeatmapFigure();
        PngAssert.DecodesToNonBlank(figure.RenderPng(new HeatmapData(new double[0, 0], "empty", "r", "c", "v"), new FigureSize(200, 200)), 200, 200);
        PngAssert.DecodesToNonBlank(figure.RenderPng(new HeatmapData(Matrix(2, 3, (_, _) => 5), "flat", "r", "c", "v"), new FigureSize(200, 200)), 200, 200);
        PngAssert.DecodesToNonBlank(figure.RenderPng(new HeatmapData(Matrix(2, 2, (_, _) => double.NaN), "nan", "r", "c", "v"), new FigureSize(200, 200)), 200, 200);
        var mixed = Matrix(3, 3, (r, c) => r == c ? double.NaN : r == 0 ? double.PositiveInfinity : r - c);
        PngAssert.DecodesToNonBlank(figure.RenderPng(new HeatmapData(mixed, "mixed", "r", "c", "v"), new FigureSize(200, 200)), 200, 200);
    }

    [Fact]
    public void Tick_labels_must_match_the_matrix()
    {
        var error = Assert.Throws<ArgumentException>(() => new HeatmapData(new double[2, 3], "", "r", "c", "v", rowTickLabels: ["only one"]));
        Assert.Contains("2 rows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Per_row_scaling_gives_a_small_row_the_full_color_range_and_says_so()
    {
        // Row 0 swings ±60, row 1 only ±0.5: with one shared range row 1 is nearly white.
        var values = Matrix(2, 8, (r, c) => (r == 0 ? 60 : 0.5) * Math.Sin(c * 0.9));
        var shared = new HeatmapData(values, "", "cell", "character", "cell state c", ["big", "small"]);
        var perRow = shared with { Scaling = HeatmapScaling.PerRow };

        using (var plot = new HeatmapFigure().BuildPlot(shared))
        {
            var heatmap = Assert.Single(plot.GetPlottables().OfType<Heatmap>());
            Assert.True(MaxAbs(heatmap.Intensities, 1) / heatmap.ManualRange!.Value.Max < 0.01);
            Assert.Equal("cell state c", Assert.Single(plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>()).Label);
        }
        using (var plot = new HeatmapFigure().BuildPlot(perRow))
        {
            var heatmap = Assert.Single(plot.GetPlottables().OfType<Heatmap>());
            Assert.Equal(-1, heatmap.ManualRange!.Value.Min);
            Assert.Equal(1, heatmap.ManualRange!.Value.Max);
            Assert.Equal(1, MaxAbs(heatmap.Intensities, 0), 12);
            Assert.Equal(1, MaxAbs(heatmap.Intensities, 1), 12);
            // Zero stays the neutral color and signs are kept.
            Assert.Equal(0, heatmap.Intensities[1, 0], 12);
            Assert.True(heatmap.Intensities[1, 1] > 0);
            Assert.Equal("cell state c (each row scaled to ±1)", Assert.Single(plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>()).Label);
            // Each row's own range beside its name (60·sin reaches 58.7 at these columns).
            Assert.Equal(["big (±58.7)", "small (±0.489)"], TickLabels(plot, plot.Axes.Left));
        }

        // In pixels: the small row shows strong color only when scaled by itself (Balance's ends are dark blue and red).
        var figure = new HeatmapFigure();
        var sharedPng = figure.RenderPng(shared, new FigureSize(500, 300));
        var perRowPng = figure.RenderPng(perRow, new FigureSize(500, 300));
        Assert.True(StrongCells(perRowPng) > StrongCells(sharedPng) * 1.5,
            $"{StrongCells(perRowPng)} strongly colored pixels per row vs {StrongCells(sharedPng)} shared");
    }

    [Fact]
    public void Per_row_scaling_of_one_signed_rows_spans_each_rows_min_to_max()
    {
        var values = new double[,] { { 100, 150, 200 }, { 1, 1.5, 2 }, { 3, 3, 3 }, { double.NaN, 4, double.PositiveInfinity } };
        var scaled = HeatmapFigure.ScaleRows(values, diverging: false);
        Assert.Equal(new[] { 0, 0.5, 1 }, Row(scaled, 0));
        Assert.Equal(new[] { 0, 0.5, 1 }, Row(scaled, 1));
        Assert.Equal(new[] { 0.5, 0.5, 0.5 }, Row(scaled, 2));
        Assert.True(double.IsNaN(scaled[3, 0]) && double.IsNaN(scaled[3, 2]));
        using var plot = new HeatmapFigure().BuildPlot(new HeatmapData(values, "", "r", "c", "v") { Scaling = HeatmapScaling.PerRow });
        Assert.Equal(new ScottPlot.Colormaps.Viridis().Name, Assert.Single(plot.GetPlottables().OfType<Heatmap>()).Colormap.Name);
        Assert.Equal("v (each row scaled to 0…1)", Assert.Single(plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>()).Label);
        Assert.Contains("0 (100…200)", TickLabels(plot, plot.Axes.Left));
    }

    [Fact]
    public void A_character_axis_shows_visible_glyphs_for_space_newline_and_tab()
    {
        const string text = "a b\n\tc";
        var values = Matrix(1, text.Length, (_, c) => c - 2.5);
        var data = new HeatmapData(values, "", "cell", "character", "c", ["cell"], CharacterGlyphs.Labels(text));
        using var plot = new HeatmapFigure().BuildPlot(data);
        Assert.Equal(["a", "␣", "b", "↵", "⇥", "c"], TickLabels(plot, plot.Axes.Bottom));
    }

    /// <summary>The tick labels an axis draws (manual tick generators fill their list when the plot is laid out).</summary>
    private static List<string> TickLabels(ScottPlot.Plot plot, ScottPlot.IAxis axis)
    {
        plot.RenderInMemory(600, 400);
        return axis.TickGenerator.Ticks.Select(t => t.Label).ToList();
    }

    private static double[] Row(double[,] m, int r) => Enumerable.Range(0, m.GetLength(1)).Select(c => m[r, c]).ToArray();

    private static double MaxAbs(double[,] m, int row) => Row(m, row).Max(Math.Abs);

    /// <summary>Strongly colored pixels (channels far apart): Balance's blues and reds, not its near-white middle
    /// nor the gray and black of axes and text.</summary>
    private static int StrongCells(byte[] png)
    {
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        return bitmap.Pixels.Count(p => Math.Max(p.Red, Math.Max(p.Green, p.Blue)) - Math.Min(p.Red, Math.Min(p.Green, p.Blue)) > 60);
    }
}
