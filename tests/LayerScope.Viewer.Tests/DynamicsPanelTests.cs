using System.Text.Json;
using LayerScope.Dynamics;
using LayerScope.Testing;

namespace LayerScope.Viewer.Tests;

/// <summary>The dynamics panel (web/tests/dynamics.mjs) against a fixture run with training dynamics: the plots of the
/// report, the health table's flags, and the link to the epoch slider both ways.</summary>
public sealed class DynamicsPanelTests
{
    [BrowserFact]
    public async Task The_panel_draws_the_dynamics_and_follows_and_moves_the_epoch_slider()
    {
        await using var viewer = await ViewerSession.StartAsync(dynamics: true);

        var result = await viewer.RunScenarioAsync("dynamics");

        var atLast = result.GetProperty("atLast");
        Assert.False(atLast.GetProperty("hidden").GetBoolean());
        // The slider starts at the last epoch (2): every plot marks it.
        Assert.Equal("2", atLast.GetProperty("epoch").GetString());
        var plots = atLast.GetProperty("plots").EnumerateArray().ToList();
        Assert.Equal(["loss", "accuracy", "bands", "ridges"], plots.Select(p => p.GetProperty("plot").GetString()));
        Assert.All(plots, p => Assert.Equal("1,2", p.GetProperty("epochs").GetString()));
        Assert.All(plots, p => Assert.Equal(["2"], p.GetProperty("current").EnumerateArray().Select(m => m.GetString())));
        Assert.Equal("fc1 weights: distributions", plots[2].GetProperty("title").GetString());
        // Train and held-out loss, as the fixture has both.
        Assert.True(plots[0].GetProperty("paths").GetInt32() >= 2);

        var expected = DynamicsDiagnosis.Diagnose(ViewerFixtureRun.Dynamics);
        var health = atLast.GetProperty("health").EnumerateArray().ToList();
        Assert.Equal(expected.Select(h => h.Layer), health.Select(h => h.GetProperty("cells")[0].GetString()));
        Assert.Equal(expected.Select(h => h.Flagged), health.Select(h => h.GetProperty("flagged").GetBoolean()));
        var relu = health.Single(h => h.GetProperty("cells")[0].GetString() == "relu1").GetProperty("cells");
        Assert.Equal("1 of 3", relu[1].GetString());
        Assert.Equal("dead units", relu[4].GetString());
        Assert.Equal("vanishing gradient", health.Single(h => h.GetProperty("cells")[0].GetString() == ViewerFixtureRun.MarkupLayer).GetProperty("cells")[4].GetString());

        // Moving the slider to epoch 1 marks epoch 1 everywhere.
        var afterSlider = result.GetProperty("afterSlider");
        Assert.Equal("1", afterSlider.GetProperty("epoch").GetString());
        Assert.All(afterSlider.GetProperty("plots").EnumerateArray(), p => Assert.Equal(["1"], p.GetProperty("current").EnumerateArray().Select(m => m.GetString())));

        // Clicking the loss plot at the last epoch moves the slider back to it.
        var afterClick = result.GetProperty("afterClick");
        Assert.Equal("1", afterClick.GetProperty("slider").GetString());
        Assert.Equal("epoch 2", afterClick.GetProperty("label").GetString());
        Assert.Equal("2", afterClick.GetProperty("epoch").GetString());

        // A layer named with markup is listed and titled as text, and nothing of it became an element.
        var otherLayer = result.GetProperty("otherLayer");
        Assert.Contains(ViewerFixtureRun.MarkupLayer, atLast.GetProperty("layers").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal($"{ViewerFixtureRun.MarkupLayer} weight gradients: distributions",
            otherLayer.GetProperty("plots").EnumerateArray().Single(p => p.GetProperty("plot").GetString() == "bands").GetProperty("title").GetString());
        Assert.Equal(0, otherLayer.GetProperty("injected").GetInt32());
        var log = result.GetProperty("log");
        Assert.Empty(log.GetProperty("pageErrors").EnumerateArray());
        Assert.Empty(log.GetProperty("dialogs").EnumerateArray());
        Assert.Empty(log.GetProperty("consoleErrors").EnumerateArray());
    }

    [BrowserFact]
    public async Task A_run_without_dynamics_shows_no_panel()
    {
        await using var viewer = await ViewerSession.StartAsync();

        var result = await viewer.RunScenarioAsync("dynamics", "--expect-none");

        Assert.True(result.GetProperty("panel").GetProperty("hidden").GetBoolean());
        Assert.Equal(0, result.GetProperty("panel").GetProperty("plots").GetInt32());
        Assert.Empty(result.GetProperty("log").GetProperty("pageErrors").EnumerateArray());
    }
}
