using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LayerScope.Testing;

namespace LayerScope.Server.Tests;

[Collection(ViewerServerCollection.Name)]
public class ViewerApiTests(ViewerServerFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task The_run_list_shows_every_run_down_to_three_levels()
    {
        var runs = await GetJson("api/runs");

        var byId = runs.EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);
        Assert.Equal(["image", "more.deeper.sequence", "more.values", "text"], byId.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Text run", byId["text"].GetProperty("title").GetString());
        Assert.Equal("ViewerFixtureRun", byId["text"].GetProperty("source").GetString());
        Assert.Equal(120, byId["text"].GetProperty("points").GetInt32());
    }

    [Fact]
    public async Task The_manifest_comes_with_every_array_shape()
    {
        var manifest = await GetJson("api/runs/text");

        Assert.Equal("layerscope-run", manifest.GetProperty("format").GetString());
        var arrays = manifest.GetProperty("arrays");
        Assert.Equal([120, 50], arrays.GetProperty("hidden").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([120, 4, 3], arrays.GetProperty("steps").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([120, 2], arrays.GetProperty("pca-e1").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("text", manifest.GetProperty("inputs").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task An_array_arrives_as_little_endian_float32_with_its_shape_and_length()
    {
        using var response = await Client.GetAsync("api/runs/text/arrays/hidden");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("120,50", response.Headers.GetValues("X-LayerScope-Shape").Single());
        Assert.Equal(120 * 50 * 4, response.Content.Headers.ContentLength);
        Assert.Equal(fixture.TextRun.Hidden.Values, Floats(bytes));
    }

    [Fact]
    public async Task Integer_arrays_are_served_as_float32_too()
    {
        var bytes = await Client.GetByteArrayAsync("api/runs/text/arrays/labels");

        Assert.Equal(fixture.TextRun.Labels.Select(l => (float)l), Floats(bytes));
    }

    [Fact]
    public async Task Neighbors_are_the_brute_force_nearest_in_the_high_dimensional_activations()
    {
        const int point = 17, k = 12;
        var hidden = fixture.TextRun.Hidden;
        var expected = Enumerable.Range(0, hidden.Rows).Where(i => i != point)
            .Select(i => (Index: i, Distance: Math.Sqrt(Enumerable.Range(0, hidden.Columns).Sum(c => Math.Pow(hidden[i, c] - hidden[point, c], 2)))))
            .OrderBy(n => n.Distance).Take(k).ToList();

        var answer = await GetJson($"api/runs/text/neighbors?activations=hidden&point={point}&k={k}");

        Assert.Equal(point, answer.GetProperty("point").GetInt32());
        Assert.Equal("hidden", answer.GetProperty("activations").GetString());
        var neighbors = answer.GetProperty("neighbors").EnumerateArray().ToList();
        Assert.Equal(expected.Select(e => e.Index), neighbors.Select(n => n.GetProperty("index").GetInt32()));
        for (int i = 0; i < k; i++) Assert.Equal(expected[i].Distance, neighbors[i].GetProperty("distance").GetDouble(), 3);
    }

    [Fact]
    public async Task Many_concurrent_neighbour_queries_all_succeed_with_the_answer_of_a_lone_query()
    {
        var alone = (await GetJson("api/runs/text/neighbors?activations=hidden&point=5&k=8")).GetRawText();
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            using var response = await fixture.Client.GetAsync($"api/runs/text/neighbors?activations=hidden&point={(i % 2 == 0 ? 5 : 9)}&k=8");
            return (i, Status: (int)response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.All(answers, a => Assert.Equal(200, a.Status));
        Assert.All(answers.Where(a => a.i % 2 == 0), a => Assert.Equal(alone, JsonDocument.Parse(a.Body).RootElement.GetRawText()));
    }

    [Fact]
    public async Task Neighbors_of_per_step_activations_use_the_whole_flattened_sequence()
    {
        var steps = fixture.TextRun.StepValues;
        const int width = 12, point = 4;
        var nearest = Enumerable.Range(0, 120).Where(i => i != point)
            .OrderBy(i => Enumerable.Range(0, width).Sum(c => Math.Pow(steps[i * width + c] - steps[point * width + c], 2))).First();

        var answer = await GetJson($"api/runs/text/neighbors?activations=steps&point={point}&k=1");

        Assert.Equal(nearest, answer.GetProperty("neighbors")[0].GetProperty("index").GetInt32());
    }

    [Fact]
    public async Task The_mean_is_taken_over_the_selected_points()
    {
        int[] points = [0, 3, 7, 50];
        var hidden = fixture.TextRun.Hidden;

        using var response = await Client.PostAsJsonAsync("api/runs/text/mean", new { activations = "hidden", points });
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([50], answer.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        var mean = answer.GetProperty("mean").EnumerateArray().Select(e => e.GetDouble()).ToList();
        for (int c = 0; c < 50; c++) Assert.True(Math.Abs(points.Average(p => hidden[p, c]) - mean[c]) < 1e-4, $"unit {c}: {mean[c]}");
    }

    [Fact]
    public async Task The_mean_of_per_step_activations_keeps_the_time_axis()
    {
        using var response = await Client.PostAsJsonAsync("api/runs/text/mean", new { activations = "steps", points = new[] { 2, 9 } });
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var steps = fixture.TextRun.StepValues;

        Assert.Equal([4, 3], answer.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal((steps[2 * 12 + 5] + steps[9 * 12 + 5]) / 2, answer.GetProperty("mean")[5].GetDouble(), 5);
    }

    [Fact]
    public async Task A_mean_over_points_that_do_not_exist_is_a_bad_request()
    {
        using var response = await Client.PostAsJsonAsync("api/runs/text/mean", new { activations = "hidden", points = new[] { 1, 500 } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("500", await ErrorOf(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_finds_text_inputs_text_columns_and_categories_ignoring_case()
    {
        var needles = await GetJson("api/runs/text/search?q=NEEDLE");
        var goodbyes = await GetJson("api/runs/text/search?q=goodbye&limit=5");
        var dogs = await GetJson("api/runs/text/search?q=dog");

        Assert.Equal(Enumerable.Range(0, 120).Where(i => i % 10 == 7), Ints(needles.GetProperty("matches")));
        Assert.Equal(60, goodbyes.GetProperty("total").GetInt32());
        Assert.Equal([1, 3, 5, 7, 9], Ints(goodbyes.GetProperty("matches")));
        Assert.Equal(Enumerable.Range(0, 120).Where(i => fixture.TextRun.Labels[i] == 1), Ints(dogs.GetProperty("matches")));
    }

    [Fact]
    public async Task A_text_point_shows_its_columns_text_and_highlight()
    {
        var point = await GetJson("api/runs/text/points/1");

        Assert.Equal(1, point.GetProperty("index").GetInt32());
        var columns = point.GetProperty("columns");
        Assert.Equal(JsonValueKind.Null, columns.GetProperty("class").ValueKind); // code −1: missing
        Assert.Equal(0.5, columns.GetProperty("score").GetDouble());
        Assert.Equal("note 1", columns.GetProperty("note").GetString());
        var input = point.GetProperty("input");
        Assert.Equal("text", input.GetProperty("kind").GetString());
        Assert.Equal(fixture.TextRun.Texts[1], input.GetProperty("text").GetString());
        Assert.Equal([6, 1], Ints(input.GetProperty("highlight")));
    }

    [Fact]
    public async Task A_values_point_shows_the_feature_names_and_values()
    {
        var input = (await GetJson("api/runs/more.values/points/3")).GetProperty("input");

        Assert.Equal("values", input.GetProperty("kind").GetString());
        Assert.Equal(["a", "b", "c", "d"], input.GetProperty("names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(fixture.ValuesRun.InputValues.Skip(12).Take(4).Select(v => (double)v), input.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()));
    }

    [Fact]
    public async Task A_sequence_point_shows_only_the_steps_within_its_length()
    {
        const int point = 6;
        var input = (await GetJson($"api/runs/more.deeper.sequence/points/{point}")).GetProperty("input");

        Assert.Equal("sequence", input.GetProperty("kind").GetString());
        var values = input.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(fixture.SequenceRun.Lengths[point], values.Count);
        Assert.Equal(fixture.SequenceRun.StepValues[point * 12 + 3], values[1][0].GetDouble(), 6);
        Assert.Equal(["f1", "f2", "f3"], input.GetProperty("names").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task An_image_point_has_grey_levels_between_0_and_1()
    {
        var input = (await GetJson("api/runs/image/points/1")).GetProperty("input");

        Assert.Equal(4, input.GetProperty("width").GetInt32());
        Assert.Equal(3, input.GetProperty("height").GetInt32());
        var pixels = input.GetProperty("pixels").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(12, pixels.Count);
        Assert.All(pixels, p => Assert.InRange(p, 0, 1));
        Assert.Contains(pixels, p => p > 0);
    }

    [Fact]
    public async Task A_label_with_markup_comes_back_json_escaped()
    {
        var point = Array.IndexOf(fixture.TextRun.Labels, 2);

        var pointText = await Client.GetStringAsync($"api/runs/text/points/{point}");
        var manifestText = await Client.GetStringAsync("api/runs/text");
        var textsText = await Client.GetStringAsync("api/runs/text/files/inputs");

        foreach (var text in new[] { pointText, manifestText, textsText })
        {
            Assert.DoesNotContain("<", text, StringComparison.Ordinal);
            Assert.DoesNotContain(">", text, StringComparison.Ordinal);
        }
        Assert.Equal(ViewerFixtureRun.Classes[2], JsonDocument.Parse(pointText).RootElement.GetProperty("columns").GetProperty("class").GetString());
    }

    [Fact]
    public async Task Text_files_are_served_by_their_manifest_key()
    {
        var notes = await GetJson("api/runs/text/files/note");
        var highlights = await GetJson("api/runs/text/files/inputs.highlight");

        Assert.Equal(fixture.TextRun.Notes, notes.EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(120, highlights.GetArrayLength());
    }

    [Fact]
    public async Task Every_answer_forbids_content_sniffing()
    {
        using var json = await Client.GetAsync("api/runs");
        using var bytes = await Client.GetAsync("api/runs/text/arrays/scores");
        using var missing = await Client.GetAsync("api/runs/nope");

        foreach (var response in new[] { json, bytes, missing })
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task The_page_allows_scripts_only_from_the_server()
    {
        using var response = await Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("LayerScope", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/runs/nope", "no run 'nope'")]
    [InlineData("api/runs/text/arrays/nope", "no array 'nope'")]
    [InlineData("api/runs/text/points/120", "no point 120")]
    [InlineData("api/runs/text/neighbors?activations=pca-e1&point=0", "no activations 'pca-e1'")]
    [InlineData("api/nothing/here", "nothing at")]
    public async Task Unknown_runs_arrays_and_points_are_404_with_a_json_error(string url, string message)
    {
        using var response = await Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(message.Replace("'", "\\u0027", StringComparison.Ordinal), await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/runs/text/points/abc")]
    [InlineData("api/runs/text/neighbors?activations=hidden&point=1&k=0")]
    [InlineData("api/runs/text/neighbors?point=1")]
    [InlineData("api/runs/text/search")]
    public async Task Malformed_requests_are_400_with_a_json_error(string url)
    {
        using var response = await Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(await ErrorOf(response));
    }

    private async Task<JsonElement> GetJson(string url)
    {
        using var response = await Client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string> ErrorOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;

    private static float[] Floats(byte[] bytes) =>
        Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4))).ToArray();

    private static IEnumerable<int> Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToList();
}
