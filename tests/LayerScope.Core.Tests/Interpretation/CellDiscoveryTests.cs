using LayerScope.Interpretation;
using LayerScope.Text;

namespace LayerScope.Tests.Interpretation;

public class CellDiscoveryTests
{
    [Fact]
    public void The_cell_planted_to_follow_a_feature_ranks_first_with_its_sign()
    {
        var text = "a = \"x y\"; { b(\"q\"); { c; } }\n// end\n";
        var features = CharacterContextFeatures.Compute(text);
        var inString = features.All().Single(f => f.Name == "in string").Values;
        var random = new Random(1);
        int cells = 6, steps = text.Length;
        var values = new float[steps * cells];
        for (int t = 0; t < steps; t++)
            for (int c = 0; c < cells; c++)
                values[t * cells + c] = (float)(random.NextDouble() - 0.5);
        for (int t = 0; t < steps; t++) values[t * cells + 4] = (float)(-0.9 * inString[t] + 0.05 * random.NextDouble());

        var ranked = CellDiscovery.Rank([new LayerStates("lstm2", values, steps, cells)], features.All(), top: 3);

        var strings = ranked.Single(f => f.Feature.Name == "in string");
        Assert.Equal(("lstm2", 4), (strings.Top[0].Layer, strings.Top[0].Cell));
        Assert.True(strings.Top[0].R < -0.95, $"r = {strings.Top[0].R}");
        Assert.True(strings.MedianAbsR < 0.5);
        Assert.Equal(3, strings.Top.Count);
        Assert.DoesNotContain(ranked, f => f.Feature.Name == "sentence end"); // constant here: no sentence ends
    }

    [Fact]
    public void Pearson_is_one_for_a_line_and_nan_for_a_constant()
    {
        Assert.Equal(1, CellDiscovery.Pearson([1, 2, 3], [2, 4, 6]), 12);
        Assert.Equal(-1, CellDiscovery.Pearson([1, 2, 3], [3, 2, 1]), 12);
        Assert.True(double.IsNaN(CellDiscovery.Pearson([1, 1, 1], [1, 2, 3])));
    }
}
