using System.Text.Json.Nodes;
using LayerScope.Errors;
using LayerScope.Runs;
using LayerScope.Testing;

namespace LayerScope.Tests.Runs;

/// <summary>Relevance maps in a run (docs/viewer.md, "relevance"): one value per input element, checked by the writer
/// and the reader alike.</summary>
public class RunRelevanceTests
{
    [Theory]
    [InlineData(RunInputs.ImageKind, 12)]
    [InlineData(RunInputs.ValuesKind, 4)]
    public void A_written_relevance_map_reads_back_with_its_method_target_and_shape(string inputs, long perPoint)
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(folder.Path, points: 20, inputs: inputs, relevance: true);

        var manifest = RunManifestReader.Read(folder.Path);

        Assert.Equal(new RunRelevance("relevance", "lrp-epsilon", 1), manifest.Relevance);
        Assert.Equal([20, perPoint], manifest.Arrays["relevance"].Shape);
    }

    [Fact]
    public void A_relevance_map_that_does_not_cover_the_image_is_refused_naming_the_field()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(folder.Path, points: 20, inputs: RunInputs.ImageKind, relevance: true);
        ViewerFixtureRun.EditManifest(folder.Path, manifest => manifest["relevance"]!["array"] = "hidden");

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Equal("relevance.array", error.Field);
        Assert.Contains("[N, 12] or [N, 3, 4]", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Relevance_over_text_inputs_is_refused_since_there_is_nothing_to_draw_it_over()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(folder.Path, points: 20, inputs: RunInputs.ImageKind, relevance: true);
        ViewerFixtureRun.EditManifest(folder.Path, manifest => manifest["inputs"] = new JsonObject { ["kind"] = "text", ["file"] = "notes.json" });

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Equal("relevance.array", error.Field);
        Assert.Contains("image, values or sequence inputs", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void The_writer_refuses_a_map_of_another_shape_than_the_inputs()
    {
        using var folder = new TemporaryFolder();
        var writer = new RunManifestWriter(folder.Path, "t", "test", 3);
        writer.AddArray("x", "x.npy", new float[12], 3, 4);
        writer.AddArray("r", "r.npy", new float[9], 3, 3);
        writer.SetValuesInputs("x", ["a", "b", "c", "d"]);

        var error = Assert.Throws<ArgumentException>(() => writer.SetRelevance("r", "ig", 0));

        Assert.Contains("[3, 4]", error.Message, StringComparison.Ordinal);
    }
}
