using LayerScope.Arrays;
using LayerScope.Data.Images;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Storage;
using LayerScope.Testing;
using LayerScope.Units;
using LayerScope.Workflows.Sections;

namespace LayerScope.Tests.Workflows;

/// <summary>The three report sections of the CNN units view, on hand-made maps and images whose answers are known.</summary>
public sealed class UnitSectionsTests
{
    private static readonly string[] Classes = ["a", "b", "c"];

    /// <summary>Two examples, 3 channels of 2×4 maps; value = 100·example + 10·channel + position, so a tile cut from
    /// the wrong example, channel or offset shows.</summary>
    private static Float32Array Maps()
    {
        var values = new float[2 * 3 * 8];
        for (int e = 0; e < 2; e++)
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < 8; p++) values[(e * 3 + c) * 8 + p] = 100 * e + 10 * c + p;
        return new Float32Array("conv", values, [2, 3, 2, 4]);
    }

    private static FeatureMapExample Example(int index, double[] probabilities) => new(index, [0, 0.5f, 1, 0.25f], 2, 2, "b", probabilities);

    [Fact]
    public void Feature_map_tiles_equal_the_captured_maps_after_the_input()
    {
        var section = new FeatureMapsSection("conv", Maps(), [Example(7, [0.1, 0.7, 0.2]), Example(9, [0.6, 0.3, 0.1])], Classes);
        var grid = section.Grid(1);
        Assert.Equal(4, grid.Tiles.Count);
        Assert.Equal("input", grid.Tiles[0].Label);
        Assert.Equal(TileColoring.Grey, grid.Tiles[0].Coloring);
        Assert.Equal(0.5, grid.Tiles[0].Values[0, 1]);
        for (int c = 0; c < 3; c++)
            for (int r = 0; r < 2; r++)
                for (int x = 0; x < 4; x++) Assert.Equal(100 + 10 * c + 4 * r + x, grid.Tiles[c + 1].Values[r, x]);
        Assert.Equal("true b; scores b 0.700, c 0.200, a 0.100", section.Scores(0));
    }

    [Fact]
    public void Feature_maps_are_written_one_figure_per_example()
    {
        using var folder = new TemporaryFolder();
        using var output = StagedDirectory.Create(Path.Combine(folder.Path, "out"), "marker");
        var report = new ReportBuilder("t");
        var pngs = new FeatureMapsSection("conv", Maps(), [Example(7, [0.1, 0.7, 0.2]), Example(9, [0.6, 0.3, 0.1])], Classes).AddTo(report, output);
        Assert.Equal(2, pngs.Count);
        Assert.True(File.Exists(output.File("feature-maps", "conv-image-9.png")));
        Assert.Contains("Test image 9 (true b; scores a 0.600", report.Build());
    }

    [Fact]
    public void Top_images_are_ranked_per_channel_and_patches_are_the_receptive_field()
    {
        // Three 4×4 images; a 2-channel layer of 2×2 maps behind a 2×2 stride-2 window: unit (r, c) sees rows 2r..2r+1.
        var pixels = Enumerable.Range(0, 3 * 16).Select(i => i / 100f).ToArray();
        var images = new LabeledImages(pixels, 3, 4, 4, [0, 1, 2], Classes, "hand-made");
        var top = new ChannelTopActivations("conv", channels: 2, k: 2);
        var batch = new float[3 * 2 * 4];
        batch[(0 * 2 + 0) * 4 + 3] = 5; // image 0, channel 0, unit (1, 1)
        batch[(2 * 2 + 0) * 4 + 1] = 9; // image 2, channel 0, unit (0, 1): the strongest
        batch[(1 * 2 + 1) * 4 + 2] = 4; // image 1, channel 1, unit (1, 0)
        top.Add(new Float32Array("conv", batch, [3, 2, 2, 2]), 0);
        var field = ReceptiveField.Of([new WindowGeometry(2, 2)]);
        var section = new TopActivationsSection(top, images, field);

        var whole = section.Grid(patches: false);
        Assert.Equal(4, whole.Tiles.Count);
        Assert.StartsWith("c0 #2 9.0", whole.Tiles[0].Label);
        Assert.Equal("#0 5.0", whole.Tiles[1].Label);
        Assert.Equal(new TileBox(0, 2, 2, 2), whole.Tiles[0].Box);
        Assert.StartsWith("c1 #1 4.0", whole.Tiles[2].Label);
        Assert.Equal(new TileBox(2, 0, 2, 2), whole.Tiles[2].Box);

        var patch = section.Grid(patches: true).Tiles[2].Values; // image 1, rows 2..3, columns 0..1
        Assert.Equal(new double[,] { { pixels[16 + 8], pixels[16 + 9] }, { pixels[16 + 12], pixels[16 + 13] } }, patch);
    }

    private static MaximizedInput Synthesized(long channel, double before, double after) =>
        new("conv", channel, new float[4], [1, 2, 2], before, after);

    [Fact]
    public void Synthesis_counts_a_channel_as_reached_only_at_ten_times_a_positive_mean()
    {
        var section = new SynthesizedImagesSection("conv",
            [Synthesized(0, 0.1, 12), Synthesized(1, 0.1, 9.9), Synthesized(2, 0, 5), Synthesized(3, 0.2, 30)], [1.0, 1.0, 0.0, 3.0]);
        Assert.Equal(0.5, section.FractionReached);
        Assert.True(double.IsNaN(section.Ratio(section.Images[2])));
        var labels = section.Grid().Tiles.Select(t => t.Label).ToList();
        Assert.Equal(["c0 0.1→12.0 12.0×", "c1 0.1→9.9 9.9×", "c2 0.0→5.0", "c3 0.2→30.0 10.0×"], labels);

        using var folder = new TemporaryFolder();
        using var output = StagedDirectory.Create(Path.Combine(folder.Path, "out"), "marker");
        var report = new ReportBuilder("t");
        var png = section.AddTo(report, output);
        Assert.True(File.Exists(output.File("synthesized", "conv.png")));
        Assert.Contains("50 % of the 4 channels reach 10×", report.Build());
        Assert.Contains("mean activation over all positions", report.Build());
        var size = ImageGridFigure.SizeFor(section.Grid(), 64);
        Assert.True(png.Length > 0 && size.Width > 0);
    }

    [Fact]
    public void Unit_synthesis_is_named_by_its_unit_and_measured_against_that_unit_s_own_mean()
    {
        // Channel means of 1 but centre means of 0.5: only the unit's own mean makes channel 1 reach 10×.
        var position = new UnitPosition(1, 1);
        MaximizedInput Unit(long channel, double after) => Synthesized(channel, 0.1, after) with { Objective = SynthesisObjective.Unit, Position = position };
        var top = new ChannelTopActivations("conv", channels: 2);
        var maps = new float[2 * 4];
        for (int c = 0; c < 2; c++)
            for (int p = 0; p < 4; p++) maps[c * 4 + p] = p == 3 ? 0.5f : 7f / 6;
        top.Add(new Float32Array("conv", maps, [1, 2, 2, 2]), 0);
        var images = new[] { Unit(0, 4), Unit(1, 6) };

        var section = new SynthesizedImagesSection("conv", images, [.. images.Select(top.Mean)]);

        Assert.Equal(0.5, section.MeanActivation[1], 1e-6);
        Assert.Equal(0.5, section.FractionReached);
        Assert.Equal("unit (1, 1)", section.ObjectiveName);
        Assert.Equal("conv: inputs synthesized to raise each channel's unit (1, 1)", section.Grid().Title);
        Assert.Equal("c1 0.1→6.0 12.0×", section.Grid().Tiles[1].Label);
        using var folder = new TemporaryFolder();
        using var output = StagedDirectory.Create(Path.Combine(folder.Path, "out"), "marker");
        var report = new ReportBuilder("t");
        section.AddTo(report, output);
        Assert.Contains("the unit (1, 1) (as the Deep Visualization Toolbox does)", report.Build());
        Assert.Contains("mean over the test images (the same position, averaged over the images)", report.Build());
    }
}
