using LayerScope.Rendering;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.PlotData;
using ScottPlot.Plottables;

namespace LayerScope.Tests.Rendering;

public sealed class LinePlotFigureTests
{
    private static LinePlotData TrainingCurves()
    {
        var loss = Enumerable.Range(0, 20).Select(e => Math.Exp(-e / 5.0)).ToArray();
        var accuracy = Enumerable.Range(0, 20).Select(e => 1 - 0.5 * Math.Exp(-e / 4.0)).ToArray();
        return new LinePlotData("Training", "epoch", "value", [LineSeries.Indexed("loss", loss), LineSeries.Indexed("accuracy", accuracy)]);
    }

    [Fact]
    public void RenderPng_has_the_requested_size_and_is_not_blank()
    {
        PngAssert.DecodesToNonBlank(new LinePlotFigure().RenderPng(TrainingCurves(), new FigureSize(500, 300)), 500, 300);
    }

    [Fact]
    public void BuildPlot_has_one_line_per_series_named_in_the_legend()
    {
        using var plot = new LinePlotFigure().BuildPlot(TrainingCurves());
        var lines = plot.GetPlottables().OfType<Scatter>().ToList();
        Assert.Equal(["loss", "accuracy"], lines.Select(l => l.LegendText));
        Assert.All(lines, l => Assert.True(l.LineWidth > 0));
        Assert.Equal(["loss", "accuracy"], plot.Legend.GetItems().Select(i => i.LabelText));
    }

    [Fact]
    public void No_series_and_constant_series_render()
    {
        PngAssert.DecodesToNonBlank(new LinePlotFigure().RenderPng(new LinePlotData("Empty", "x", "y", []), new FigureSize(200, 150)), 200, 150);
        var flat = new LinePlotData("", "", "", [LineSeries.Indexed("flat", [3, 3, 3]), new LineSeries("one", [1], [double.NaN])]);
        PngAssert.DecodesToNonBlank(new LinePlotFigure().RenderPng(flat, new FigureSize(200, 150)), 200, 150);
    }

    [Fact]
    public void A_series_with_mismatched_lengths_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new LineSeries("loss", [0, 1, 2], [1, 2]));
        Assert.Contains("loss", error.Message, StringComparison.Ordinal);
    }
}
