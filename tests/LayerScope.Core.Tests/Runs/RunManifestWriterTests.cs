using LayerScope.Runs;
using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Tests.Runs;

public class RunManifestWriterTests
{
    [Fact]
    public void A_written_run_reads_back_with_every_entry_and_the_array_shapes()
    {
        using var folder = new TemporaryFolder();
        var fixture = ViewerFixtureRun.Write(folder.Path, points: 30);

        var manifest = RunManifestReader.Read(folder.Path);

        Assert.Equal(RunManifest.FormatName, manifest.Format);
        Assert.Equal(1, manifest.Version);
        Assert.Equal("Fixture run", manifest.Title);
        Assert.Equal(30, manifest.Points);
        Assert.Equal(new long[] { 30, ViewerFixtureRun.HiddenUnits }, manifest.Arrays["hidden"].Shape);
        Assert.Equal(new long[] { 30, ViewerFixtureRun.Steps, ViewerFixtureRun.StepUnits }, manifest.Arrays["steps"].Shape);
        Assert.Equal("activations/hidden.npy", manifest.Arrays["hidden"].File);
        Assert.Equal(["class", "score", "note"], manifest.Columns.Select(c => c.Name));
        Assert.Equal(ViewerFixtureRun.Classes, manifest.Columns[0].Categories);
        Assert.Equal(RunInputs.TextKind, manifest.Inputs!.Kind);
        Assert.Equal("highlights.json", manifest.Inputs.Highlight);
        Assert.Equal([new RunLayer("net/hidden", 50), new RunLayer("net/steps", 3)], manifest.Layers);
        Assert.Equal(2, manifest.Activations.Count);
        Assert.Equal([1, 2, null], manifest.Embeddings.Select(e => e.Epoch));
        Assert.Equal([2, 2, 3], manifest.Embeddings.Select(e => e.Dims));
        Assert.Equal(30, manifest.Embeddings[2].Parameters["perplexity"]);
        Assert.Equal(fixture.Hidden.Values, NpyReader.Read(Path.Combine(folder.Path, "activations/hidden.npy")).GetData<float>());
    }

    [Fact]
    public void Run_json_holds_no_shapes_and_camel_case_names()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(folder.Path, points: 20, inputs: RunInputs.ValuesKind);

        var text = File.ReadAllText(folder.File("run.json"));

        Assert.Contains("\"format\": \"layerscope-run\"", text, StringComparison.Ordinal);
        Assert.Contains("\"points\": 20", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"shape\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Epoch_embeddings_are_aligned_onto_the_previous_epoch()
    {
        using var folder = new TemporaryFolder();
        var writer = new RunManifestWriter(folder.Path, "t", "test", 50);
        writer.AddLayer("layer", 2);
        var first = SyntheticClusters.Uniform(50, 2, seed: 3);
        var turned = EmbeddingAlignmentTests.Rotate(first, 1.2, 5f, -3f);

        writer.AddAlignedEmbedding("layer", RunEmbedding.TsneMethod, "e1", "e1.npy", first, epoch: 1);
        var second = writer.AddAlignedEmbedding("layer", RunEmbedding.TsneMethod, "e2", "e2.npy", turned, epoch: 2);

        for (int i = 0; i < first.Values.Length; i++) Assert.Equal(first.Values[i], second.Values[i], 4);
        Assert.Equal(second.Values, NpyReader.Read(folder.File("e2.npy")).GetData<float>());
    }

    [Fact]
    public void An_array_with_the_wrong_number_of_points_is_refused_at_once()
    {
        using var folder = new TemporaryFolder();
        var writer = new RunManifestWriter(folder.Path, "t", "test", 10);

        var error = Assert.Throws<ArgumentException>(() => writer.AddArray("x", "x.npy", new float[18], 9, 2));

        Assert.Contains("10 points", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("x.npy")));
    }

    [Theory]
    [InlineData("../x.npy")]
    [InlineData("/tmp/x.npy")]
    [InlineData("a\\x.npy")]
    public void Unsafe_file_names_are_refused(string file)
    {
        using var folder = new TemporaryFolder();
        var writer = new RunManifestWriter(folder.Path, "t", "test", 2);

        Assert.Throws<ArgumentException>(() => writer.AddArray("x", file, new float[2], 2));
    }

    [Theory]
    [InlineData("net/hidden")]
    [InlineData("two words")]
    [InlineData("..")]
    public void Array_names_that_cannot_travel_in_a_url_are_refused_and_can_be_made_safe(string name)
    {
        using var folder = new TemporaryFolder();
        var writer = new RunManifestWriter(folder.Path, "t", "test", 2);

        var error = Assert.Throws<ArgumentException>(() => writer.AddArray(name, "x.npy", new float[2], 2));

        Assert.Contains("letters, digits", error.Message, StringComparison.Ordinal);
        string safe = RunManifest.ToArrayName(name);
        Assert.True(RunManifest.IsArrayName(safe), safe);
        writer.AddArray(safe, "x.npy", new float[2], 2);
    }

    [Fact]
    public void Category_columns_with_any_name_get_a_safe_array_name()
    {
        using var folder = new TemporaryFolder();
        var writer = new RunManifestWriter(folder.Path, "t", "test", 2);

        writer.AddCategoryColumn("predicted (net/a)", "p.npy", [0, 1], ["no", "yes"]);

        Assert.All(writer.Build().Arrays.Keys, name => Assert.True(RunManifest.IsArrayName(name), name));
    }

    [Fact]
    public void A_column_over_an_unknown_array_is_refused()
    {
        using var folder = new TemporaryFolder();
        var writer = new RunManifestWriter(folder.Path, "t", "test", 2);

        var error = Assert.Throws<ArgumentException>(() => writer.AddNumberColumn("n", "missing"));

        Assert.Contains("no array 'missing'", error.Message, StringComparison.Ordinal);
    }
}
