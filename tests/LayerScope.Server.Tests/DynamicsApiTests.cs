using System.Net;
using System.Text.Json;
using LayerScope.Dynamics;
using LayerScope.Testing;

namespace LayerScope.Server.Tests;

/// <summary><c>GET /api/runs/{id}/dynamics/{index}</c>: what the viewer's dynamics panel draws.</summary>
[Collection(ViewerServerCollection.Name)]
public class DynamicsApiTests(ViewerServerFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task The_manifest_names_the_dynamics_and_the_answer_holds_the_checkpoints_and_the_reports_quantiles()
    {
        var manifest = await GetJson("api/runs/image");
        Assert.Equal("fixture-net", manifest.GetProperty("dynamics")[0].GetProperty("network").GetString());

        var answer = await GetJson("api/runs/image/dynamics/0");

        var expected = ViewerFixtureRun.Dynamics;
        Assert.Equal(expected.Checkpoints.Select(c => c.HeldOutAccuracy), answer.GetProperty("checkpoints").EnumerateArray().Select(c => (double?)c.GetProperty("heldOutAccuracy").GetDouble()));
        Assert.Equal(HistogramSeries.DistributionLevels, answer.GetProperty("levels").EnumerateArray().Select(l => l.GetDouble()));
        var fc1 = answer.GetProperty("layers").EnumerateArray().Single(l => l.GetProperty("name").GetString() == "fc1");
        var weights = fc1.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("kind").GetString() == "Weights");
        var series = expected.Layers[0].Series(HistogramKind.Weights)!;
        // The bands are the histograms' quantiles, level by level and epoch by epoch, as the report draws them.
        var bands = weights.GetProperty("bands").EnumerateArray().Select(b => b.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        Assert.Equal(series.Quantiles(HistogramSeries.DistributionLevels), bands);
        Assert.Equal(series.Histograms.Select(h => h.Counts), weights.GetProperty("histograms").EnumerateArray()
            .Select(h => h.GetProperty("counts").EnumerateArray().Select(c => c.GetInt64()).ToArray()));
        Assert.True(bands[0][1] < bands[0][0], "the fixture's weights spread out from epoch 1 to 2");
    }

    [Fact]
    public async Task The_health_table_flags_the_dead_unit_and_the_vanishing_layer_as_the_report_does()
    {
        var health = (await GetJson("api/runs/image/dynamics/0")).GetProperty("health").EnumerateArray().ToList();

        var expected = DynamicsDiagnosis.Diagnose(ViewerFixtureRun.Dynamics);
        Assert.Equal(expected.Select(h => h.Layer), health.Select(h => h.GetProperty("layer").GetString()));
        var relu = health.Single(h => h.GetProperty("layer").GetString() == "relu1");
        Assert.Equal([1], relu.GetProperty("deadUnits").EnumerateArray().Select(u => u.GetInt32()));
        Assert.True(health.Single(h => h.GetProperty("layer").GetString() == ViewerFixtureRun.MarkupLayer).GetProperty("vanishing").GetBoolean());
        // NaN (a layer without parameters) travels as the string "NaN", which JSON.parse accepts.
        Assert.Equal("NaN", relu.GetProperty("gradientNorm").GetString());
    }

    [Fact]
    public async Task A_markup_layer_name_comes_back_json_escaped()
    {
        var text = await Client.GetStringAsync("api/runs/image/dynamics/0");

        Assert.DoesNotContain("<", text, StringComparison.Ordinal);
        Assert.Contains(ViewerFixtureRun.MarkupLayer, JsonDocument.Parse(text).RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("api/runs/image/dynamics/1", HttpStatusCode.NotFound)]
    [InlineData("api/runs/text/dynamics/0", HttpStatusCode.NotFound)]
    [InlineData("api/runs/image/dynamics/x", HttpStatusCode.BadRequest)]
    [InlineData("api/runs/image/dynamics/-1", HttpStatusCode.BadRequest)]
    public async Task Dynamics_that_do_not_exist_are_refused(string url, HttpStatusCode status)
    {
        using var response = await Client.GetAsync(url);

        Assert.Equal(status, response.StatusCode);
    }

    private async Task<JsonElement> GetJson(string url)
    {
        using var response = await Client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
