using LayerScope.Rendering.Figures;
using LayerScope.Rendering.PlotData;

namespace LayerScope.Tests.Rendering;

public sealed class RelevanceOverlayFigureTests
{
    [Fact]
    public void Relevance_is_drawn_over_the_image_on_a_range_symmetric_about_zero_and_transparent_where_it_is_zero()
    {
        var image = new double[,] { { 0, 1 }, { 0.5, 0.25 } };
        var relevance = new double[,] { { 0, 2 }, { -4, 1 } };
        using var plot = new RelevanceOverlayFigure().BuildPlot(new RelevanceOverlayData(image, relevance, "t"));

        var heatmaps = plot.GetPlottables<ScottPlot.Plottables.Heatmap>().ToList();
        Assert.Equal(2, heatmaps.Count);
        Assert.IsType<ScottPlot.Colormaps.Grayscale>(heatmaps[0].Colormap);
        var over = heatmaps[1];
        Assert.Equal(-4, over.ManualRange!.Value.Min);
        Assert.Equal(4, over.ManualRange!.Value.Max);
        var alpha = (byte[,])over.AlphaMap!;
        Assert.Equal(0, alpha[0, 0]);
        Assert.Equal(230, alpha[1, 0]);
        Assert.Equal(115, alpha[0, 1]);
    }

    [Fact]
    public void An_image_and_a_map_of_different_sizes_are_refused()
    {
        var data = new RelevanceOverlayData(new double[2, 2], new double[2, 3], "");
        Assert.Throws<ArgumentException>(() => new RelevanceOverlayFigure().BuildPlot(data));
    }

    [Fact]
    public void Every_character_of_a_word_carries_its_relevance_and_spaces_none()
    {
        var text = WordRelevanceText.From(["good", "<b>"], [("lrp", [2.0, -1.0]), ("ig", [0.5, 0.25])]);

        Assert.Equal("good <b>", text.Text);
        Assert.Equal([2, 2, 2, 2, 0, -1, -1, -1], text.Traces[0].Values);
        Assert.Equal([0.5, 0.5, 0.5, 0.5, 0, 0.25, 0.25, 0.25], text.Traces[1].Values);
        Assert.Equal("<b>: lrp -1, ig +0.25", text.HoverTexts[6]);
        Assert.Equal("", text.HoverTexts[4]);
    }
}
