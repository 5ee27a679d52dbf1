using System.Text.Json;

namespace LayerScope.Viewer.Tests;

/// <summary>Hovering a point of a run with relevance maps (docs/viewer.md, "relevance") draws that point's map on a
/// diverging colormap centred at 0: judged pixel by pixel against the fixture's own values.</summary>
public sealed class RelevanceBrowserTests
{
    [BrowserFact]
    public async Task Hovering_an_image_point_draws_its_relevance_map_red_for_blue_against_white_at_zero()
    {
        await using var viewer = await ViewerSession.StartAsync(points: 60, inputs: "image", relevance: true);

        var result = await viewer.RunScenarioAsync("relevance");

        var index = result.GetProperty("index").GetInt32();
        var map = result.GetProperty("map");
        Assert.Equal(JsonValueKind.Object, map.ValueKind);
        Assert.Equal(index, map.GetProperty("index").GetInt32());
        Assert.Equal("lrp-epsilon", map.GetProperty("method").GetString());
        Assert.Equal(1, map.GetProperty("target").GetInt32());
        Assert.Equal((4, 3), (map.GetProperty("width").GetInt32(), map.GetProperty("height").GetInt32()));
        var expected = viewer.Run.Relevance!.AsSpan(index * 12, 12).ToArray();
        double extent = expected.Max(Math.Abs);
        Assert.Equal(extent, map.GetProperty("extent").GetDouble(), 1e-6);
        var pixels = map.GetProperty("pixels").EnumerateArray().Select(p => p.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal(12, pixels.Length);
        for (int j = 0; j < 12; j++)
        {
            var (r, g, b) = (pixels[j][0], pixels[j][1], pixels[j][2]);
            if (expected[j] == 0) Assert.Equal([255, 255, 255], pixels[j]);
            else if (expected[j] > 0) Assert.True(r > b && g < 255, $"pixel {j} (relevance {expected[j]}) is rgb({r}, {g}, {b}), not red");
            else Assert.True(b > r && g < 255, $"pixel {j} (relevance {expected[j]}) is rgb({r}, {g}, {b}), not blue");
            // Stronger relevance is farther from white: white blended toward RdBu's end by |value| / extent.
            int[] end = expected[j] > 0 ? [178, 24, 43] : [33, 102, 172];
            double t = Math.Abs(expected[j]) / extent;
            for (int k = 0; k < 3; k++) Assert.InRange(pixels[j][k], 255 + (end[k] - 255) * t - 1, 255 + (end[k] - 255) * t + 1);
        }
        var strongest = Array.IndexOf(expected, (float)expected.Max());
        Assert.Equal([178, 24, 43], pixels[strongest]);
        AssertNoPageErrors(result);
    }

    [BrowserFact]
    public async Task Hovering_a_value_point_shows_one_relevance_bar_per_feature()
    {
        await using var viewer = await ViewerSession.StartAsync(points: 60, inputs: "values", relevance: true);

        var result = await viewer.RunScenarioAsync("relevance");

        var index = result.GetProperty("index").GetInt32();
        var rows = result.GetProperty("map").GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(["a", "b", "c", "d"], rows.Select(r => r.GetProperty("name").GetString()));
        var expected = viewer.Run.Relevance!.AsSpan(index * 4, 4).ToArray();
        var colors = rows.Select(r => Rgb(r.GetProperty("color").GetString()!)).ToArray();
        for (int j = 0; j < 4; j++)
        {
            if (expected[j] == 0) Assert.Equal([255, 255, 255], colors[j]);
            else if (expected[j] > 0) Assert.True(colors[j][0] > colors[j][2], $"feature {j} (relevance {expected[j]}) is not red");
            else Assert.True(colors[j][2] > colors[j][0], $"feature {j} (relevance {expected[j]}) is not blue");
        }
        int strongest = Array.IndexOf(expected, expected.MaxBy(Math.Abs));
        Assert.Equal(expected[strongest] > 0 ? [178, 24, 43] : [33, 102, 172], colors[strongest]);
        AssertNoPageErrors(result);
    }

    private static int[] Rgb(string css) =>
        css.Replace("rgb(", "").Replace(")", "").Split(',').Select(p => int.Parse(p.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static void AssertNoPageErrors(JsonElement result)
    {
        var log = result.GetProperty("log");
        Assert.Empty(log.GetProperty("pageErrors").EnumerateArray());
        Assert.Empty(log.GetProperty("consoleErrors").EnumerateArray());
    }
}
