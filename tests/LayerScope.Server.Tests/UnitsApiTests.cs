using System.Net;
using System.Text.Json;
using LayerScope.Testing;

namespace LayerScope.Server.Tests;

/// <summary><c>GET /api/runs/{id}/units/{index}</c> and <c>.../maps/{point}</c>: what the viewer's units view draws.</summary>
[Collection(ViewerServerCollection.Name)]
public class UnitsApiTests(ViewerServerFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task A_layers_answer_holds_every_channels_top_entries_and_synthesized_image()
    {
        var answer = await fixture.GetJson("api/runs/image/units/0");

        Assert.Equal(ViewerFixtureRun.UnitsLayer, answer.GetProperty("layer").GetString());
        var top = answer.GetProperty("top").EnumerateArray().ToArray();
        Assert.Equal(ViewerFixtureRun.UnitChannels, top.Length);
        var entry = top[2][1];
        var expected = ViewerFixtureRun.UnitTop(20, 2, 1);
        Assert.Equal((expected.Point, expected.Top, expected.Left, expected.Height, expected.Width),
            (entry.GetProperty("point").GetInt32(), entry.GetProperty("top").GetInt32(), entry.GetProperty("left").GetInt32(),
             entry.GetProperty("height").GetInt32(), entry.GetProperty("width").GetInt32()));
        var images = answer.GetProperty("synthesis").GetProperty("images");
        Assert.Equal(ViewerFixtureRun.UnitSynthesis(2, 5), images[2][5].GetSingle());
        var synthesis = answer.GetProperty("synthesis");
        Assert.Equal(ViewerFixtureRun.UnitObjective, synthesis.GetProperty("objective").GetString());
        Assert.Equal(ViewerFixtureRun.UnitScore(1), (synthesis.GetProperty("before")[1].GetSingle(), synthesis.GetProperty("after")[1].GetSingle(), synthesis.GetProperty("mean")[1].GetSingle()));
        Assert.Equal(10, answer.GetProperty("mapPoints").GetArrayLength());
    }

    [Fact]
    public async Task A_stored_points_maps_are_the_written_values_and_an_unstored_points_are_null()
    {
        var stored = await fixture.GetJson("api/runs/image/units/0/maps/6");
        var unstored = await fixture.GetJson("api/runs/image/units/0/maps/7");

        var maps = stored.GetProperty("maps").EnumerateArray().Select(m => m.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        Assert.Equal(ViewerFixtureRun.UnitChannels, maps.Length);
        Assert.Equal(Enumerable.Range(0, 4).Select(j => ViewerFixtureRun.UnitMap(6, 1, j)), maps[1]);
        // The server leaves nulls out of its answers.
        Assert.False(unstored.TryGetProperty("maps", out var none) && none.ValueKind != JsonValueKind.Null);
        Assert.Equal(7, unstored.GetProperty("point").GetInt32());
    }

    [Theory]
    [InlineData("api/runs/image/units/2", HttpStatusCode.NotFound)]
    [InlineData("api/runs/text/units/0", HttpStatusCode.NotFound)]
    [InlineData("api/runs/image/units/x", HttpStatusCode.BadRequest)]
    [InlineData("api/runs/image/units/0/maps/20", HttpStatusCode.NotFound)]
    public async Task Units_that_do_not_exist_are_refused(string url, HttpStatusCode status)
    {
        using var response = await Client.GetAsync(url);

        Assert.Equal(status, response.StatusCode);
    }
}
