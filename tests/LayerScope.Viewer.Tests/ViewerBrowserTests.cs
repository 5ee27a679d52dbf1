using System.Text.Json;
using LayerScope.Reduction;
using LayerScope.Testing;
using SkiaSharp;

namespace LayerScope.Viewer.Tests;

/// <summary>
/// The viewer in headless Chromium against the real server and a fixture run: every scenario in
/// src/LayerScope.Server/web/tests is run by node and judged here against values computed from the fixture itself.
/// </summary>
public sealed class ViewerBrowserTests
{
    [BrowserFact]
    public async Task Hovering_a_point_shows_its_input_text_with_the_highlighted_span()
    {
        await using var viewer = await ViewerSession.StartAsync();

        var result = await viewer.RunScenarioAsync("hover");

        var index = result.GetProperty("index").GetInt32();
        Assert.Equal(index, result.GetProperty("hoveredIndex").GetInt32());
        var text = viewer.Run.Texts[index];
        Assert.Equal(text, result.GetProperty("tooltipText").GetString());
        Assert.Equal(text.Substring(6, 1), result.GetProperty("tooltipHighlight").GetString());
        AssertNoPageErrors(result);
    }

    [BrowserTheory]
    [InlineData("image")]
    [InlineData("sequence")]
    [InlineData("values")]
    public async Task Hovering_shows_image_sequence_and_value_inputs(string inputs)
    {
        await using var viewer = await ViewerSession.StartAsync(points: 60, inputs: inputs);

        var result = await viewer.RunScenarioAsync("hover");

        Assert.Equal(result.GetProperty("index").GetInt32(), result.GetProperty("hoveredIndex").GetInt32());
        switch (inputs)
        {
            case "image": Assert.True(result.GetProperty("hasImage").GetBoolean(), "no image canvas in the tooltip"); break;
            case "sequence": Assert.True(result.GetProperty("hasSparkline").GetBoolean(), "no sparkline in the tooltip"); break;
            default: Assert.Equal(4, result.GetProperty("valueRows").GetInt32()); break;
        }
        AssertNoPageErrors(result);
    }

    [BrowserFact]
    public async Task Clicking_a_point_lists_its_nearest_neighbours_in_the_high_dimensional_activations()
    {
        await using var viewer = await ViewerSession.StartAsync();

        var result = await viewer.RunScenarioAsync("neighbors");

        var index = result.GetProperty("index").GetInt32();
        var expected = BruteForceNeighbors(viewer.Run, index, k: 10);
        var shown = result.GetProperty("neighbors").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var rows = result.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(expected.Select(n => n.Index), shown);
        Assert.Equal(shown, rows.Select(r => r.GetProperty("index").GetInt32()));
        for (int i = 0; i < rows.Length; i++)
            Assert.Equal(expected[i].Distance, rows[i].GetProperty("distance").GetDouble(), 0.01);
        Assert.All(rows, r => Assert.StartsWith("point ", r.GetProperty("summary").GetString()));
        AssertNoPageErrors(result);
    }

    [BrowserFact]
    public async Task Switching_the_layer_lists_the_clicked_points_neighbours_in_that_layers_activations()
    {
        await using var viewer = await ViewerSession.StartAsync(stepsEmbedding: true);

        var result = await viewer.RunScenarioAsync("neighbors", "--then-layer", "net/steps");

        var index = result.GetProperty("index").GetInt32();
        Assert.Equal(BruteForceNeighbors(viewer.Run, index, k: 10).Select(n => n.Index), result.GetProperty("neighbors").EnumerateArray().Select(e => e.GetInt32()));
        var after = result.GetProperty("after");
        Assert.Equal("net/steps", after.GetProperty("layer").GetString());
        var width = ViewerFixtureRun.Steps * ViewerFixtureRun.StepUnits;
        var steps = new DenseMatrix(viewer.Run.StepValues, viewer.Run.Points, width);
        var expected = BruteForceNeighbors(steps, index, k: 10);
        Assert.Equal(expected.Select(n => n.Index), after.GetProperty("neighbors").EnumerateArray().Select(e => e.GetInt32()));
        var rows = after.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(expected.Select(n => n.Index), rows.Select(r => r.GetProperty("index").GetInt32()));
        for (int i = 0; i < rows.Length; i++)
            Assert.Equal(expected[i].Distance, rows[i].GetProperty("distance").GetDouble(), 0.01);
        Assert.StartsWith("Euclidean distance in steps (net/steps", after.GetProperty("note").GetString());
        AssertNoPageErrors(result);
    }

    [BrowserFact]
    public async Task A_lasso_selects_exactly_the_points_inside_it_and_shows_their_mean_activation()
    {
        await using var viewer = await ViewerSession.StartAsync();

        var result = await viewer.RunScenarioAsync("lasso");

        var polygon = result.GetProperty("polygon").EnumerateArray().Select(Point).ToArray();
        var positions = result.GetProperty("positions").EnumerateArray().ToArray();
        var inside = Enumerable.Range(0, positions.Length)
            .Where(i => positions[i].ValueKind == JsonValueKind.Array && Inside(Point(positions[i]), polygon))
            .ToArray();
        var selected = result.GetProperty("selected").EnumerateArray().Select(e => e.GetInt32()).Order().ToArray();
        Assert.InRange(inside.Length, 1, viewer.Run.Points - 1);
        Assert.Equal(inside, selected);
        Assert.Equal($"{inside.Length} selected", result.GetProperty("heading").GetString());
        Assert.Equal(ViewerFixtureRun.HiddenUnits.ToString(System.Globalization.CultureInfo.InvariantCulture), result.GetProperty("heatmapShape").GetString());
        AssertNoPageErrors(result);
    }

    [BrowserFact]
    public async Task Switching_the_epoch_moves_the_points_and_play_returns_to_the_last_epoch()
    {
        await using var viewer = await ViewerSession.StartAsync();

        var result = await viewer.RunScenarioAsync("epoch");

        var last = result.GetProperty("last");
        var first = result.GetProperty("first");
        var played = result.GetProperty("played");
        Assert.Equal("epoch 2", last.GetProperty("label").GetString());
        Assert.Equal("epoch 1", first.GetProperty("label").GetString());
        var moved = Moved(last, first);
        Assert.True(moved > viewer.Run.Points / 2, $"only {moved} of {viewer.Run.Points} points moved between epochs");
        Assert.Equal(0, Moved(last, played));
        AssertNoPageErrors(result);
    }

    [BrowserFact]
    public async Task Markup_in_a_label_is_shown_as_text_and_never_runs()
    {
        await using var viewer = await ViewerSession.StartAsync();
        var markup = ViewerFixtureRun.Classes[^1];
        var candidates = Enumerable.Range(0, viewer.Run.Points).Where(i => viewer.Run.Labels[i] == ViewerFixtureRun.Classes.Count - 1);

        var result = await viewer.RunScenarioAsync("xss", "--candidates", string.Join(',', candidates), "--search", "onerror");

        Assert.Contains(markup, result.GetProperty("legendNames").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(markup, result.GetProperty("tooltip").GetProperty("columns").GetProperty("class").GetString());
        Assert.Equal(0, result.GetProperty("injected").GetInt32());
        Assert.DoesNotContain("x", result.GetProperty("images").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(result.GetProperty("dialogs").EnumerateArray());
        Assert.Matches("^[0-9,]+ matches", result.GetProperty("searchResult").GetString());
        AssertNoPageErrors(result);
    }

    [BrowserFact]
    public async Task The_screenshot_shows_colored_points()
    {
        await using var viewer = await ViewerSession.StartAsync();

        var result = await viewer.RunScenarioAsync("screenshot");

        var path = result.GetProperty("path").GetString()!;
        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        var colors = new HashSet<SKColor>();
        for (int y = 0; y < bitmap.Height; y += 2)
            for (int x = 0; x < bitmap.Width; x += 2) colors.Add(bitmap.GetPixel(x, y));
        Assert.True(colors.Count > 50, $"the screenshot has only {colors.Count} distinct colors: blank?");
        // The palette's first colors (class cat, class dog) must be on the scatter.
        Assert.True(result.GetProperty("distinctColors").GetInt32() > 20, "the scatter area is nearly uniform");
        AssertNoPageErrors(result);
    }

    [BrowserFact]
    public async Task The_3D_embedding_is_drawn_in_an_orbit_view_that_a_drag_rotates()
    {
        await using var viewer = await ViewerSession.StartAsync();

        var result = await viewer.RunScenarioAsync("orbit", "--method", "tsne");

        var points = viewer.Run.Points;
        Assert.Equal(2, result.GetProperty("initial").GetProperty("dims").GetInt32());
        Assert.Equal("ortho", result.GetProperty("initial").GetProperty("view").GetString());
        foreach (var state in new[] { result.GetProperty("selected"), result.GetProperty("dragged") })
        {
            Assert.Equal(3, state.GetProperty("dims").GetInt32());
            Assert.Equal("orbit", state.GetProperty("view").GetString());
            Assert.Equal(points, state.GetProperty("drawn").GetInt32());
        }
        var before = result.GetProperty("before").EnumerateArray().ToArray();
        var after = result.GetProperty("after").EnumerateArray().ToArray();
        Assert.Equal(points, before.Length);
        Assert.Equal(points, after.Length);
        var onScreen = before.Count(p => p.ValueKind == JsonValueKind.Array);
        Assert.True(onScreen > points * 9 / 10, $"only {onScreen} of {points} points are on screen in 3-D");
        var moved = Moved(result.GetProperty("before"), result.GetProperty("after"), 5);
        Assert.True(moved > points / 2, $"only {moved} of {points} points moved on screen after the orbit drag");
        // A plain drag orbits: it must not start a lasso.
        Assert.Equal(0, result.GetProperty("selection").GetInt32());
        AssertNoPageErrors(result);
    }

    [BrowserFact]
    public async Task Switching_layer_or_method_shows_another_embedding_with_the_same_legend_and_colors()
    {
        await using var viewer = await ViewerSession.StartAsync(stepsEmbedding: true);

        var result = await viewer.RunScenarioAsync("switch", "--method", "tsne", "--layer", "net/steps");

        var points = viewer.Run.Points;
        var start = result.GetProperty("start");
        var method = result.GetProperty("method");
        var back = result.GetProperty("back");
        var layer = result.GetProperty("layer");
        Assert.Equal(("net/hidden", "pca"), (start.GetProperty("layer").GetString(), start.GetProperty("method").GetString()));
        Assert.Equal(["pca", "tsne"], start.GetProperty("methods").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(("net/hidden", "tsne", 3), (method.GetProperty("layer").GetString(), method.GetProperty("method").GetString(), method.GetProperty("dims").GetInt32()));
        Assert.Equal(("net/steps", "pca", 2), (layer.GetProperty("layer").GetString(), layer.GetProperty("method").GetString(), layer.GetProperty("dims").GetInt32()));
        Assert.Equal(["pca"], layer.GetProperty("methods").EnumerateArray().Select(e => e.GetString()));

        Assert.True(Moved(start, method) > points / 2, "switching the method did not change the embedding shown");
        Assert.True(Moved(back, layer) > points / 2, "switching the layer did not change the embedding shown");
        Assert.Equal(0, Moved(start, back));

        // The legend (class, with its counts and swatches) and every point's color stay across the switches.
        var classes = ViewerFixtureRun.Classes.Append("(missing)").ToArray();
        Assert.Equal("class", start.GetProperty("colorBy").GetString());
        Assert.Equal(classes, start.GetProperty("legend").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        foreach (var state in new[] { method, back, layer })
        {
            Assert.Equal("class", state.GetProperty("colorBy").GetString());
            Assert.Equal(start.GetProperty("legend").GetRawText(), state.GetProperty("legend").GetRawText());
            Assert.Equal(start.GetProperty("colors").GetRawText(), state.GetProperty("colors").GetRawText());
        }
        // The colors follow the class: points of one class share a color, different classes differ.
        var colors = start.GetProperty("colors").EnumerateArray().Select(c => c.GetRawText()).ToArray();
        var byClass = Enumerable.Range(0, points).GroupBy(i => viewer.Run.Labels[i]).ToDictionary(g => g.Key, g => g.Select(i => colors[i]).Distinct().ToArray());
        Assert.All(byClass.Values, c => Assert.Single(c));
        Assert.Equal(byClass.Count, byClass.Values.Select(c => c[0]).Distinct().Count());
        AssertNoPageErrors(result);
    }

    [BrowserTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_box_selection_on_a_per_step_layer_shows_its_mean_activation_over_time(bool selectBeforeSwitching)
    {
        await using var viewer = await ViewerSession.StartAsync(stepsEmbedding: true);

        // Selecting on net/hidden and then switching to net/steps must show the selection's mean in net/steps.
        var result = selectBeforeSwitching
            ? await viewer.RunScenarioAsync("steps-mean", "--layer", "net/steps", "--select-first")
            : await viewer.RunScenarioAsync("steps-mean", "--layer", "net/steps");
        if (selectBeforeSwitching)
            Assert.Equal([ViewerFixtureRun.HiddenUnits], result.GetProperty("before").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));

        const int T = ViewerFixtureRun.Steps, U = ViewerFixtureRun.StepUnits;
        Assert.Equal("net/steps", result.GetProperty("layer").GetString());
        var selected = result.GetProperty("selected").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.InRange(selected.Length, 2, viewer.Run.Points - 1);
        Assert.Equal(selected.Length, selected.Distinct().Count());

        // The points inside the box on screen are the ones selected.
        var box = result.GetProperty("box").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var positions = result.GetProperty("positions").EnumerateArray().ToArray();
        var inside = Enumerable.Range(0, positions.Length)
            .Where(i => positions[i].ValueKind == JsonValueKind.Array)
            .Where(i => Point(positions[i]) is var (x, y) && x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3])
            .ToArray();
        Assert.Equal(inside, selected.Order());

        var heatmap = result.GetProperty("heatmap");
        Assert.Equal([T, U], heatmap.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal($"{T},{U}", result.GetProperty("dataShape").GetString());
        Assert.Equal(U, result.GetProperty("rows").GetInt32());
        Assert.Equal(T, result.GetProperty("columns").GetInt32());

        var expected = new double[T * U];
        foreach (var i in selected)
            for (int j = 0; j < T * U; j++) expected[j] += viewer.Run.StepValues[i * T * U + j];
        for (int j = 0; j < T * U; j++) expected[j] /= selected.Length;
        var values = heatmap.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(T * U, values.Length);
        for (int j = 0; j < T * U; j++) Assert.Equal(expected[j], values[j], 1e-5);

        // Viridis: the largest mean is drawn yellow-green, the smallest dark purple, at cell (unit row, step column).
        var cells = result.GetProperty("cells").EnumerateArray()
            .ToDictionary(c => (c.GetProperty("row").GetInt32(), c.GetProperty("column").GetInt32()), c => c.GetProperty("rgb").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        int argMax = Array.IndexOf(expected, expected.Max()), argMin = Array.IndexOf(expected, expected.Min());
        var high = cells[(argMax % U, argMax / U)];
        var low = cells[(argMin % U, argMin / U)];
        Assert.True(high[1] > 200 && high[2] < 80, $"the largest mean's cell is rgb({string.Join(',', high)}), not viridis yellow");
        Assert.True(low[1] < 20 && low[2] > 60, $"the smallest mean's cell is rgb({string.Join(',', low)}), not viridis purple");
        AssertNoPageErrors(result);
    }

    [BrowserFact]
    public async Task Searching_highlights_exactly_the_points_whose_text_or_labels_match()
    {
        await using var viewer = await ViewerSession.StartAsync();
        string[] terms = ["GoodBye", "needle 1", "dog"];

        var result = await viewer.RunScenarioAsync("search", "--terms", string.Join(',', terms));

        var run = viewer.Run;
        var searches = result.GetProperty("searches").EnumerateArray().ToArray();
        Assert.Equal(terms.Length, searches.Length);
        for (int s = 0; s < terms.Length; s++)
        {
            var term = terms[s];
            var expected = Enumerable.Range(0, run.Points).Where(i =>
                    run.Texts[i].Contains(term, StringComparison.OrdinalIgnoreCase)
                    || run.Notes[i].Contains(term, StringComparison.OrdinalIgnoreCase)
                    || (run.Labels[i] >= 0 && ViewerFixtureRun.Classes[run.Labels[i]].Contains(term, StringComparison.OrdinalIgnoreCase)))
                .ToArray();
            Assert.InRange(expected.Length, 1, run.Points - 1);
            Assert.Equal(term, searches[s].GetProperty("term").GetString());
            Assert.Equal(expected, searches[s].GetProperty("matches").EnumerateArray().Select(e => e.GetInt32()).Order());
            Assert.Equal($"{expected.Length} matches", searches[s].GetProperty("result").GetString());
        }
        AssertNoPageErrors(result);
    }

    [Fact]
    public void A_missing_Chromium_is_reported_with_how_to_install_it()
    {
        var before = Environment.GetEnvironmentVariable("LAYERSCOPE_CHROMIUM");
        try
        {
            Environment.SetEnvironmentVariable("LAYERSCOPE_CHROMIUM", "/nonexistent/chromium");
            var missing = Browser.Missing();
            Assert.NotNull(missing);
            Assert.Contains("/nonexistent/chromium", missing);
            Assert.Contains("apt-get install -y chromium", missing);
        }
        finally
        {
            Environment.SetEnvironmentVariable("LAYERSCOPE_CHROMIUM", before);
        }
    }

    private static (double X, double Y) Point(JsonElement e) => (e[0].GetDouble(), e[1].GetDouble());

    /// <summary>Even–odd ray casting, written apart from the front end's.</summary>
    private static bool Inside((double X, double Y) p, (double X, double Y)[] polygon)
    {
        bool inside = false;
        for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
        {
            var (a, b) = (polygon[i], polygon[j]);
            if ((a.Y > p.Y) != (b.Y > p.Y) && p.X < (b.X - a.X) * (p.Y - a.Y) / (b.Y - a.Y) + a.X) inside = !inside;
        }
        return inside;
    }

    private static (int Index, double Distance)[] BruteForceNeighbors(ViewerFixtureRun run, int point, int k) =>
        BruteForceNeighbors(run.Hidden, point, k);

    private static (int Index, double Distance)[] BruteForceNeighbors(DenseMatrix hidden, int point, int k)
    {
        return Enumerable.Range(0, hidden.Rows)
            .Where(i => i != point)
            .Select(i =>
            {
                double sum = 0;
                for (int j = 0; j < hidden.Columns; j++)
                {
                    double d = hidden[i, j] - hidden[point, j];
                    sum += d * d;
                }
                return (Index: i, Distance: Math.Sqrt(sum));
            })
            .OrderBy(n => n.Distance).ThenBy(n => n.Index)
            .Take(k)
            .ToArray();
    }

    private static int Moved(JsonElement a, JsonElement b) => Moved(a.GetProperty("positions"), b.GetProperty("positions"), 0.5);

    /// <summary>How many points moved more than <paramref name="pixels"/> (Manhattan) between two position lists, or
    /// went on or off screen.</summary>
    private static int Moved(JsonElement positionsA, JsonElement positionsB, double pixels)
    {
        var pa = positionsA.EnumerateArray().ToArray();
        var pb = positionsB.EnumerateArray().ToArray();
        int moved = 0;
        for (int i = 0; i < pa.Length; i++)
        {
            if (pa[i].ValueKind != JsonValueKind.Array || pb[i].ValueKind != JsonValueKind.Array) { moved++; continue; }
            var (p, q) = (Point(pa[i]), Point(pb[i]));
            if (Math.Abs(p.X - q.X) + Math.Abs(p.Y - q.Y) > pixels) moved++;
        }
        return moved;
    }

    private static void AssertNoPageErrors(JsonElement result)
    {
        var log = result.GetProperty("log");
        Assert.Empty(log.GetProperty("pageErrors").EnumerateArray());
        Assert.Empty(log.GetProperty("dialogs").EnumerateArray());
        Assert.Empty(log.GetProperty("consoleErrors").EnumerateArray());
    }
}
