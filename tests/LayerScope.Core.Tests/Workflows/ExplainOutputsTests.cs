using System.Text.Json;
using LayerScope.Runs;
using LayerScope.Storage.Npy;
using LayerScope.Testing;
using LayerScope.Workflows.Explanation;

namespace LayerScope.Tests.Workflows;

/// <summary>What <c>explain</c> writes beside the arrays: heatmaps over the images, explain.html with class scores
/// and colored words, and a viewer run whose points carry their relevance maps.</summary>
public sealed class ExplainOutputsTests
{
    [Fact]
    public void Images_get_heatmaps_a_report_with_class_scores_and_a_run_whose_maps_are_the_relevance()
    {
        using var folder = new TemporaryFolder();
        var random = new Random(3);
        var images = Enumerable.Range(0, 5 * 28 * 28).Select(_ => (float)random.NextDouble()).ToArray();
        NpyWriter.Write(folder.File("images.npy"), NpyArray.Create(images, 5, 1, 28, 28));

        var result = ExplainWorkflow.Run(new ExplainOptions
        {
            ZooName = "fashion-cnn", RandomWeights = true, InputPath = folder.File("images.npy"), Method = "lrp-epsilon", Target = 2, OutputDirectory = folder.File("out"),
        });

        var output = folder.File("out");
        Assert.Equal(Enumerable.Range(0, 5).Select(e => $"heatmap_{e}.png"), result.Heatmaps);
        Assert.All(result.Heatmaps, f => LayerScope.Tests.Rendering.PngAssert.DecodesToNonBlank(File.ReadAllBytes(Path.Combine(output, f)), 520, 440));
        var html = File.ReadAllText(Path.Combine(output, "explain.html"));
        Assert.Contains("Class scores", html, StringComparison.Ordinal);
        Assert.Contains("score of class 2", html, StringComparison.Ordinal);
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Matches(html, "<img ").Count);

        var manifest = RunManifestReader.Read(output);
        Assert.Equal(5, manifest.Points);
        Assert.Equal(new RunRelevance("relevance-map", "lrp-epsilon", 2), manifest.Relevance);
        Assert.Equal(RunInputs.ImageKind, manifest.Inputs!.Kind);
        Assert.Contains(manifest.Embeddings, e => e.Method == RunEmbedding.PcaMethod && e.Layer == "relevance");
        // One channel: the map hovering shows is the relevance array itself.
        var map = NpyReader.Read(Path.Combine(output, "relevance-map.npy")).ToFloat32();
        Assert.Equal(NpyReader.Read(Path.Combine(output, "relevance.npy")).ToFloat32(), map);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "explain.json")));
        var scores = json.RootElement.GetProperty("class_scores");
        Assert.Equal(5, scores.GetArrayLength());
        var first = scores[0].GetProperty("scores").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(result.Attribution.ClassScores.Example(0).ToArray(), first);
        Assert.Equal(Array.IndexOf(first, first.Max()), scores[0].GetProperty("predicted").GetInt32());
    }

    [Fact]
    public void Token_inputs_are_colored_word_by_word_escaped_without_the_padding()
    {
        using var folder = new TemporaryFolder();
        var words = new[] { "<PAD>", "<START>", "<UNK>", "<UNUSED>", "great", "awful", "<b>bold</b>", "film" };
        File.WriteAllLines(folder.File("words.txt"), words);
        long[] ids = [0, 0, 1, 4, 6, 7, 0, 0, 1, 5, 7, 4];
        NpyWriter.Write(folder.File("tokens.npy"), NpyArray.Create(ids, 2, 6));

        ExplainWorkflow.Run(new ExplainOptions
        {
            ZooName = "imdb-bilstm", RandomWeights = true, InputPath = folder.File("tokens.npy"), Method = "gradient-x-input", Target = 0,
            WordsPath = folder.File("words.txt"), OutputDirectory = folder.File("out"),
        });

        var html = File.ReadAllText(folder.File("out/explain.html"));
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold", html, StringComparison.Ordinal);
        Assert.DoesNotContain("&lt;PAD&gt;", html, StringComparison.Ordinal);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "<figure class=\"textview\"").Count);
        var texts = JsonSerializer.Deserialize<string[]>(File.ReadAllText(folder.File("out/texts.json")))!;
        Assert.Equal(["<START> great <b>bold</b> film", "<START> awful film great"], texts);
        Assert.Equal(RunInputs.TextKind, RunManifestReader.Read(folder.File("out")).Inputs!.Kind);
    }
}
