using System.Text.Json.Nodes;
using LayerScope.Errors;
using LayerScope.Runs;
using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Tests.Runs;

public class RunManifestReaderTests
{
    [Fact]
    public void A_missing_manifest_is_named()
    {
        using var folder = new TemporaryFolder();

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.EndsWith("run.json", error.File, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_json_names_the_file()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("run.json"), "{ \"format\": ");

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Contains("run.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_array_name_that_cannot_travel_in_a_url_is_refused()
    {
        using var folder = new TemporaryFolder();
        WriteFixture(folder.Path, manifest =>
        {
            var arrays = manifest["arrays"]!.AsObject();
            var hidden = arrays["hidden"]!.DeepClone();
            arrays.Add("net/hidden", hidden);
        });

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Equal("arrays.net/hidden", error.Field);
        Assert.Contains("letters, digits", error.Expected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside.npy", "'..' segment")]
    [InlineData("/etc/passwd.npy", "absolute path")]
    [InlineData("sub\\x.npy", "backslashes")]
    [InlineData("missing.npy", "no such file")]
    public void Unsafe_or_missing_array_files_are_refused_naming_the_field(string file, string reason)
    {
        using var folder = new TemporaryFolder();
        WriteFixture(folder.Path, manifest => manifest["arrays"]!["hidden"]!["file"] = file);

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Equal("arrays.hidden.file", error.Field);
        Assert.Contains(reason, error.Actual, StringComparison.Ordinal);
    }

    [Fact]
    public void An_array_entry_without_a_file_is_refused_naming_the_field()
    {
        using var folder = new TemporaryFolder();
        WriteFixture(folder.Path, manifest => manifest["arrays"]!["hidden"]!.AsObject().Remove("file"));

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Equal("arrays.hidden.file", error.Field);
    }

    [Fact]
    public void A_link_to_a_file_outside_the_run_folder_is_refused()
    {
        using var outside = new TemporaryFolder();
        using var folder = new TemporaryFolder();
        NpyWriter.Write(outside.File("secret.npy"), NpyArray.Create(new float[120 * 50], 120, 50));
        WriteFixture(folder.Path, manifest => manifest["arrays"]!["hidden"]!["file"] = "linked.npy");
        File.CreateSymbolicLink(folder.File("linked.npy"), outside.File("secret.npy"));

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Contains("outside the run folder", error.Actual, StringComparison.Ordinal);
    }

    [Fact]
    public void An_array_whose_first_axis_is_not_the_point_count_is_refused()
    {
        using var folder = new TemporaryFolder();
        WriteFixture(folder.Path, _ => { });
        NpyWriter.Write(folder.File("scores.npy"), NpyArray.Create(new float[7], 7));

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Equal("arrays.scores", error.Field);
        Assert.Contains("120", error.Expected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("format", "\"something-else\"", "format")]
    [InlineData("version", "2", "version")]
    public void Another_format_or_version_is_refused(string key, string value, string field)
    {
        using var folder = new TemporaryFolder();
        WriteFixture(folder.Path, manifest => manifest[key] = JsonNode.Parse(value));

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void A_column_naming_an_unknown_array_is_refused()
    {
        using var folder = new TemporaryFolder();
        WriteFixture(folder.Path, manifest => manifest["columns"]![0]!["array"] = "nope");

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Equal("columns[0].array", error.Field);
    }

    [Fact]
    public void An_embedding_whose_dims_disagree_with_its_array_is_refused()
    {
        using var folder = new TemporaryFolder();
        WriteFixture(folder.Path, manifest => manifest["embeddings"]![0]!["dims"] = 3);

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Equal("embeddings[0].array", error.Field);
    }

    [Fact]
    public void Text_inputs_with_the_wrong_count_are_refused()
    {
        using var folder = new TemporaryFolder();
        WriteFixture(folder.Path, _ => { });
        File.WriteAllText(folder.File("texts.json"), "[\"only one\"]");

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Equal("inputs.file", error.Field);
    }

    private static void WriteFixture(string folder, Action<JsonNode> edit)
    {
        ViewerFixtureRun.Write(folder);
        var path = Path.Combine(folder, "run.json");
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        edit(manifest);
        File.WriteAllText(path, manifest.ToJsonString());
    }
}
