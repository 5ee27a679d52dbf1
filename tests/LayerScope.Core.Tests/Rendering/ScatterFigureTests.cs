using LayerScope.Rendering;
using LayerScope.Rendering.Colormaps;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.PlotData;
using LayerScope.Testing;
using ScottPlot.Plottables;

namespace LayerScope.Tests.Rendering;

public sealed class ScatterFigureTests
{
    private static readonly string[] ThreeClasses = ["setosa", "versicolor", "virginica"];

    private static ScatterPlotData Clusters(int perClass = 40)
    {
        var random = new Random(7);
        var n = perClass * ThreeClasses.Length;
        double[] x = new double[n], y = new double[n];
        var labels = new int[n];
        for (var i = 0; i < n; i++)
        {
            var c = i / perClass;
            labels[i] = c;
            x[i] = c * 3 + random.NextDouble();
            y[i] = (c % 2) * 2 + random.NextDouble();
        }
        return new ScatterPlotData(x, y, labels, ThreeClasses) { Title = "Epoch 3: hidden layer", XLabel = "t-SNE 1", YLabel = "t-SNE 2" };
    }

    [Fact]
    public void RenderPng_has_the_requested_size_and_is_not_blank()
    {
        var png = new ScatterFigure().RenderPng(Clusters(), new FigureSize(640, 480));
        PngAssert.DecodesToNonBlank(png, 640, 480);
    }

    [Fact]
    public void RenderPng_defaults_to_800_by_600()
    {
        PngAssert.DecodesToNonBlank(new ScatterFigure().RenderPng(Clusters()), 800, 600);
    }

    [Fact]
    public void Each_class_is_drawn_in_its_palette_color()
    {
        var png = new ScatterFigure { MarkerOpacity = 1 }.RenderPng(Clusters(), new FigureSize(400, 300));
        for (var c = 0; c < ThreeClasses.Length; c++)
        {
            var color = Category10Palette.Instance.GetColor(c);
            Assert.True(PngAssert.CountNear(png, color) > 20, $"Class {c} color {color} barely appears.");
        }
    }

    [Fact]
    public void BuildPlot_has_one_marker_only_scatter_per_class_with_its_name_in_the_legend()
    {
        using var plot = new ScatterFigure().BuildPlot(Clusters());
        var scatters = plot.GetPlottables().OfType<Scatter>().ToList();
        Assert.Equal(ThreeClasses, scatters.Select(s => s.LegendText));
        Assert.All(scatters, s => Assert.Equal(0, s.LineWidth));
        Assert.Equal(ThreeClasses, plot.Legend.GetItems().Select(i => i.LabelText));
        Assert.Equal(
            Category10Palette.Instance.GetColors(3).Select(c => c.ToHex()),
            scatters.Select(s => s.MarkerFillColor.WithAlpha(255).ToHex()));
        Assert.All(scatters, s => Assert.Equal(40, s.Data.GetScatterPoints().Count));
    }

    [Fact]
    public void Fixed_limits_are_used_when_given()
    {
        var data = Clusters() with { Limits = new PlotLimits(-10, 10, -5, 5) };
        using var plot = new ScatterFigure().BuildPlot(data);
        var limits = plot.Axes.GetLimits();
        Assert.Equal((-10.0, 10.0, -5.0, 5.0), (limits.Left, limits.Right, limits.Bottom, limits.Top));
    }

    [Fact]
    public void Empty_data_renders_an_empty_frame()
    {
        var data = new ScatterPlotData([], [], [], ThreeClasses) { Title = "Nothing yet" };
        PngAssert.DecodesToNonBlank(new ScatterFigure().RenderPng(data, new FigureSize(300, 200)), 300, 200);
        using var plot = new ScatterFigure().BuildPlot(data);
        var limits = plot.Axes.GetLimits();
        Assert.True(limits.Right > limits.Left && limits.Top > limits.Bottom);
    }

    [Fact]
    public void Empty_data_without_classes_renders()
    {
        var data = new ScatterPlotData([], [], [], []);
        PngAssert.DecodesToNonBlank(new ScatterFigure().RenderPng(data, new FigureSize(300, 200)), 300, 200);
    }

    [Fact]
    public void A_single_point_gets_a_non_zero_axis_area_around_it()
    {
        var data = new ScatterPlotData([2.5], [-1], [0], ["only"]);
        PngAssert.DecodesToNonBlank(new ScatterFigure().RenderPng(data, new FigureSize(300, 200)), 300, 200);
        using var plot = new ScatterFigure().BuildPlot(data);
        var limits = plot.Axes.GetLimits();
        Assert.True(limits.Left < 2.5 && limits.Right > 2.5 && limits.Bottom < -1 && limits.Top > -1, limits.ToString());
    }

    [Fact]
    public void Constant_points_get_a_non_zero_axis_area()
    {
        var data = new ScatterPlotData([1, 1, 1, 1], [4, 4, 4, 4], [0, 1, 0, 1], ["a", "b"]);
        PngAssert.DecodesToNonBlank(new ScatterFigure().RenderPng(data, new FigureSize(300, 200)), 300, 200);
        using var plot = new ScatterFigure().BuildPlot(data);
        var limits = plot.Axes.GetLimits();
        Assert.True(limits.Right - limits.Left > 0.5 && limits.Top - limits.Bottom > 0.5, limits.ToString());
    }

    [Fact]
    public void Non_finite_points_are_skipped()
    {
        var data = new ScatterPlotData([0, double.NaN, 1, double.PositiveInfinity], [0, 1, 1, 2], [0, 0, 1, 1], ["a", "b"]);
        using var plot = new ScatterFigure().BuildPlot(data);
        Assert.Equal(2, plot.GetPlottables().OfType<Scatter>().Sum(s => s.Data.GetScatterPoints().Count));
        PngAssert.DecodesToNonBlank(new ScatterFigure().RenderPng(data, new FigureSize(300, 200)), 300, 200);
    }

    [Fact]
    public void Mismatched_lengths_and_bad_labels_are_rejected_with_the_counts()
    {
        var lengths = Assert.Throws<ArgumentException>(() => new ScatterPlotData([1, 2], [1], [0, 0], ["a"]));
        Assert.Contains("2", lengths.Message, StringComparison.Ordinal);
        var label = Assert.Throws<ArgumentException>(() => new ScatterPlotData([1], [1], [3], ["a", "b"]));
        Assert.Contains("labels[0] is 3", label.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enclosing_limits_cover_every_frame_of_a_sequence()
    {
        var first = new ScatterPlotData([0, 1], [0, 1], [0, 0], ["a"]);
        var second = new ScatterPlotData([-4, 2], [3, 5], [0, 0], ["a"]);
        var limits = PlotLimits.Enclosing([first, second], margin: 0)!;
        Assert.Equal((-4.0, 2.0, 0.0, 5.0), (limits.XMin, limits.XMax, limits.YMin, limits.YMax));
        Assert.Null(PlotLimits.Enclosing([new ScatterPlotData([], [], [], [])]));
    }

    [Fact]
    public void SavePng_writes_the_file_atomically()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("out/scatter.png");
        new ScatterFigure().SavePng(Clusters(), path, new FigureSize(320, 240));
        PngAssert.DecodesToNonBlank(File.ReadAllBytes(path), 320, 240);
        Assert.Equal(["scatter.png"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }
}
