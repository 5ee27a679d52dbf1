using System.Text.Json;
using LayerScope.Testing;

namespace LayerScope.Viewer.Tests;

/// <summary>The units view (web/tests/units.mjs) against a fixture run with conv-layer units (docs/viewer.md,
/// "units"): tiles per channel, the clicked point's feature maps, top images with their patches clipped to the image,
/// the synthesized image, a click on a top image, and a layer named with markup.</summary>
public sealed class UnitsBrowserTests
{
    private const int Points = 60;

    [BrowserFact]
    public async Task Clicking_a_point_shows_its_feature_maps_and_hovering_a_channel_shows_its_top_images_and_synthesis()
    {
        await using var viewer = await ViewerSession.StartAsync(points: Points, inputs: "image", units: true);

        var result = await viewer.RunScenarioAsync("units");

        var before = result.GetProperty("before");
        Assert.False(before.GetProperty("hidden").GetBoolean());
        Assert.Equal([ViewerFixtureRun.UnitsLayer, ViewerFixtureRun.MarkupUnitsLayer], Strings(before.GetProperty("layers")));
        // Nothing clicked yet: each tile shows the channel's synthesized image.
        Assert.Equal(Enumerable.Repeat("unit-synthesis", ViewerFixtureRun.UnitChannels), before.GetProperty("tiles").EnumerateArray().Select(t => t.GetProperty("picture").GetString()));

        var index = result.GetProperty("index").GetInt32();
        var clicked = result.GetProperty("clicked");
        Assert.Equal(index.ToString(System.Globalization.CultureInfo.InvariantCulture), clicked.GetProperty("point").GetString());
        Assert.All(clicked.GetProperty("tiles").EnumerateArray(), t => Assert.Equal("unit-map", t.GetProperty("picture").GetString()));
        var map = clicked.GetProperty("map");
        Assert.Equal(index, map.GetProperty("point").GetInt32());
        int per = ViewerFixtureRun.UnitMapRows * ViewerFixtureRun.UnitMapColumns;
        Assert.Equal(Enumerable.Range(0, per).Select(j => (double)ViewerFixtureRun.UnitMap(index, 1, j)), Numbers(map.GetProperty("values")));
        // Black at the map's minimum, white at its maximum (the fixture's map rises by 0.5 per position).
        Assert.Equal([0, 85, 170, 255], Numbers(map.GetProperty("levels")).Select(v => (int)v));

        var top = clicked.GetProperty("top").EnumerateArray().ToArray();
        Assert.Equal(ViewerFixtureRun.UnitK, top.Length);
        for (int r = 0; r < top.Length; r++)
        {
            var expected = ViewerFixtureRun.UnitTop(Points, 1, r);
            Assert.Equal(expected.Point, top[r].GetProperty("point").GetInt32());
            Assert.Equal(expected.Activation, top[r].GetProperty("activation").GetDouble(), 1e-6);
            // The patch clipped to the 4 × 3 image, 16 canvas pixels per image pixel (64 / 4).
            int y0 = Math.Max(0, expected.Top), y1 = Math.Min(3, expected.Top + expected.Height);
            int x0 = Math.Max(0, expected.Left), x1 = Math.Min(4, expected.Left + expected.Width);
            Assert.Equal(FormattableString.Invariant($"{x0 * 16:0.00},{y0 * 16:0.00},{(x1 - x0) * 16:0.00},{(y1 - y0) * 16:0.00}"), top[r].GetProperty("rect").GetString());
        }
        var synthesis = clicked.GetProperty("synthesis");
        Assert.Equal((4, 3), (synthesis.GetProperty("width").GetInt32(), synthesis.GetProperty("height").GetInt32()));
        Assert.Equal(Enumerable.Range(0, 12).Select(j => (int)Math.Round(ViewerFixtureRun.UnitSynthesis(1, j) * 255)), Numbers(synthesis.GetProperty("levels")).Select(v => (int)v));

        // Beside the synthesized image: the objective, its value before and after, and the ratio to its data mean.
        var score = clicked.GetProperty("score");
        var (before1, after1, mean1) = ViewerFixtureRun.UnitScore(1);
        Assert.Equal(ViewerFixtureRun.UnitObjective, score.GetProperty("objective").GetString());
        Assert.Equal((before1, after1, mean1), (float.Parse(score.GetProperty("before").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            float.Parse(score.GetProperty("after").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            float.Parse(score.GetProperty("mean").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(15, double.Parse(score.GetProperty("ratio").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 1e-4);
        Assert.Equal("unit (1, 1): 0.250 → 3, 15.0× its mean over the data (0.200)", score.GetProperty("text").GetString());
        Assert.Equal("channel 0 · unit (1, 1): 10.0× its mean over the data", Strings(clicked.GetProperty("titles"))[0]);
        var noRatio = result.GetProperty("noRatio").GetProperty("score");
        Assert.Equal("NaN", noRatio.GetProperty("ratio").GetString());
        Assert.Equal("unit (1, 1): 0.500 → 4, its mean over the data is 0, so no ratio", noRatio.GetProperty("text").GetString());
        Assert.Equal("channel 2 · unit (1, 1): 4 (its mean over the data is 0)", Strings(clicked.GetProperty("titles"))[2]);

        // A click on a top image makes it the current input, as a scatter click does (its neighbours come too).
        var picked = result.GetProperty("picked").GetInt32();
        var afterTop = result.GetProperty("afterTop");
        Assert.Contains($"point {picked}", afterTop.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal(picked % 2 == 0 ? picked.ToString(System.Globalization.CultureInfo.InvariantCulture) : "", afterTop.GetProperty("point").GetString());
        Assert.NotEmpty(afterTop.GetProperty("neighbors").EnumerateArray());

        var markup = result.GetProperty("markup");
        Assert.Equal(ViewerFixtureRun.MarkupUnitsLayer, markup.GetProperty("layer").GetString());
        Assert.Equal(["unit-blank", "unit-blank"], markup.GetProperty("tiles").EnumerateArray().Select(t => t.GetProperty("picture").GetString()));
        Assert.Contains(ViewerFixtureRun.MarkupUnitsLayer, markup.GetProperty("heading").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, markup.GetProperty("synthesis").ValueKind);
        Assert.Equal(JsonValueKind.Null, markup.GetProperty("score").ValueKind);
        Assert.Equal(ViewerFixtureRun.UnitK, markup.GetProperty("top").GetArrayLength());
        Assert.Equal(0, markup.GetProperty("injected").GetInt32());
        var log = result.GetProperty("log");
        Assert.Empty(log.GetProperty("pageErrors").EnumerateArray());
        Assert.Empty(log.GetProperty("consoleErrors").EnumerateArray());
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString() ?? "")];

    private static double[] Numbers(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];
}
