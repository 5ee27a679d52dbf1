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
}
