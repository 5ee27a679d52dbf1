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

    [Fact]
    public void Dynamics_read_back_with_their_network_and_file()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(folder.Path, dynamics: true);

        var manifest = RunManifestReader.Read(folder.Path);

        var entry = Assert.Single(manifest.Dynamics);
        Assert.Equal(new RunDynamics("fixture-net", "fixture-net/dynamics.json"), entry);
        Assert.Equal(ViewerFixtureRun.Dynamics.Checkpoints, LayerScope.Dynamics.TrainingDynamicsFile.Read(Path.Combine(folder.Path, entry.File)).Checkpoints);
    }

    [Fact]
    public void A_run_written_before_dynamics_existed_reads_with_none()
    {
        using var folder = new TemporaryFolder();
        WriteFixture(folder.Path, manifest => manifest.AsObject().Remove("dynamics"));

        Assert.Empty(RunManifestReader.Read(folder.Path).Dynamics);
    }

    [Theory]
    [InlineData("file", "../outside.json", "dynamics[0].file")]
    [InlineData("file", "fixture-net/dynamics.npy", "dynamics[0].file")]
    [InlineData("file", "missing.json", "dynamics[0].file")]
    [InlineData("network", "another-net", "dynamics[0].network")]
    [InlineData("network", "", "dynamics[0].network")]
    public void A_dynamics_entry_that_disagrees_with_its_file_is_refused_naming_the_field(string key, string value, string field)
    {
        using var folder = new TemporaryFolder();
        WriteFixture(folder.Path, manifest => manifest["dynamics"]![0]![key] = value, dynamics: true);

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void A_dynamics_file_with_broken_contents_is_refused_naming_its_field()
    {
        using var folder = new TemporaryFolder();
        WriteFixture(folder.Path, _ => { }, dynamics: true);
        var file = Path.Combine(folder.Path, "fixture-net", "dynamics.json");
        var dynamics = JsonNode.Parse(File.ReadAllText(file))!;
        dynamics["layers"]![0]!["gradientNorms"] = new JsonArray(1.0);
        File.WriteAllText(file, dynamics.ToJsonString());

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.EndsWith("dynamics.json", error.File, StringComparison.Ordinal);
        Assert.Equal("layers[0].gradientNorms", error.Field);
    }

    private static void WriteFixture(string folder, Action<JsonNode> edit, bool dynamics = false)
    {
        ViewerFixtureRun.Write(folder, dynamics: dynamics);
        var path = Path.Combine(folder, "run.json");
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        edit(manifest);
        File.WriteAllText(path, manifest.ToJsonString());
    }
}
