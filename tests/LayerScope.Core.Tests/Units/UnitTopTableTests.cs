using LayerScope.Arrays;
using LayerScope.Runs;
using LayerScope.Units;

namespace LayerScope.Tests.Units;

/// <summary>The run's top-k table (<see cref="UnitTopTable"/>): each hit's point, activation and the receptive-field
/// patch of its peak in input pixels, as the viewer outlines it.</summary>
public class UnitTopTableTests
{
    [Fact]
    public void Each_hit_carries_its_point_activation_and_the_patch_of_its_peak_and_missing_entries_are_minus_one()
    {
        // One channel of 2 × 2 maps over two examples; k = 3, so the third entry is missing.
        var top = new ChannelTopActivations("conv", channels: 1, k: 3);
        top.Add(new Float32Array("conv", [0, 1, 5, 0, /* example 1 */ 9, 0, 0, 0], [2, 1, 2, 2]), 0);
        // A 3 × 3 kernel, stride 2, padding 1: output (r, c) sees input rows 2r − 1 .. 2r + 1.
        var field = ReceptiveField.Of([new WindowGeometry(3, Stride: 2, Padding: 1)]);

        var table = UnitTopTable.From(top, field);

        Assert.Equal([1, 3, RunUnits.TopFields], table.Shape);
        // Best first: example 1 peaks at (0, 0): rows and columns −1 .. 1; example 0 peaks at (1, 0): rows 1 .. 3.
        Assert.Equal([1, 9, -1, -1, 3, 3], table.Values[..6]);
        Assert.Equal([0, 5, 1, -1, 3, 3], table.Values[6..12]);
        Assert.Equal(-1, table.Values[12]);
        Assert.Equal(-1, RunUnits.BadTopEntry(table.Values, points: 2));
    }

    [Fact]
    public void Stored_maps_stay_within_the_budget_and_never_exceed_the_run()
    {
        Assert.Equal(159, UnitTopTable.MapPoints(10_000, 32 * 28 * 28));
        Assert.Equal(200, UnitTopTable.MapPoints(200, 10));
        Assert.Equal(1, UnitTopTable.MapPoints(200, 10_000_000));
    }

    [Fact]
    public void Scores_hold_each_channels_objective_before_and_after_and_its_data_mean_in_channel_order()
    {
        var images = new[] { new MaximizedInput("relu1", 0, [0f], [1, 1, 1], 0.5, 4), new MaximizedInput("relu1", 1, [0f], [1, 1, 1], 0, 9) };

        var scores = UnitTopTable.Scores(images, [0.25, 3]);

        Assert.Equal([2, RunUnits.ScoreFields], scores.Shape);
        Assert.Equal([0.5f, 4, 0.25f, 0, 9, 3], scores.Values);
        Assert.Throws<ArgumentException>(() => UnitTopTable.Scores(images, [1]));
    }
}
