using System.Text.Json.Nodes;
using LayerScope.Arrays;
using LayerScope.Errors;
using LayerScope.Runs;
using LayerScope.Testing;

namespace LayerScope.Tests.Runs;

/// <summary>Units of conv layers in a run (docs/viewer.md, "units"): top-k, feature maps of some points and
/// synthesized images per channel, checked by the writer and the reader alike.</summary>
public class RunUnitsTests
{
    [Fact]
    public void Written_units_read_back_with_their_files()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(folder.Path, points: 20, inputs: RunInputs.ImageKind, units: true);

        var manifest = RunManifestReader.Read(folder.Path);

        Assert.Equal(2, manifest.Units.Count);
        Assert.Equal(new RunUnits("conv1", 3, "units/conv1-top.npy", "units/conv1-maps.npy", "units/conv1-map-points.npy", "units/conv1-synthesis.npy",
            "units/conv1-synthesis-scores.npy", ViewerFixtureRun.UnitObjective), manifest.Units[0]);
        var scores = LayerScope.Storage.Npy.NpyReader.ReadFloat32(Path.Combine(folder.Path, "units/conv1-synthesis-scores.npy"));
        Assert.Equal([ViewerFixtureRun.UnitScore(2).Before, ViewerFixtureRun.UnitScore(2).After, ViewerFixtureRun.UnitScore(2).Mean], scores.Values[6..9]);
        Assert.Equal((ViewerFixtureRun.MarkupUnitsLayer, 2, null, null), (manifest.Units[1].Layer, manifest.Units[1].Channels, manifest.Units[1].Maps, manifest.Units[1].Synthesis));
    }

    [Fact]
    public void A_top_entry_naming_no_point_of_the_run_is_refused_naming_the_entry()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(folder.Path, points: 20, inputs: RunInputs.ImageKind, units: true);
        var top = LayerScope.Storage.Npy.NpyReader.ReadFloat32(Path.Combine(folder.Path, "units/conv1-top.npy"));
        top.Values[2 * RunUnits.TopFields] = 20;
        LayerScope.Storage.Npy.NpyWriter.Write(Path.Combine(folder.Path, "units/conv1-top.npy"), LayerScope.Storage.Npy.NpyArray.From(top));

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Equal("units[0].top (entry 2)", error.Field);
        Assert.Contains("0 to 19", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void A_synthesis_of_another_size_than_the_images_is_refused_naming_the_field()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(folder.Path, points: 20, inputs: RunInputs.ImageKind, units: true);
        ViewerFixtureRun.EditManifest(folder.Path, manifest => manifest["units"]![0]!["synthesis"] = "units/conv1-maps.npy");

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Equal("units[0].synthesis", error.Field);
        Assert.Contains("[3, 3, 4]", error.Expected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("units/conv1-synthesis.npy", "[3, 3]")]
    [InlineData(null, "a synthesis file beside it")]
    public void Synthesis_scores_of_another_shape_or_without_images_are_refused_naming_the_field(string? synthesis, string expected)
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(folder.Path, points: 20, inputs: RunInputs.ImageKind, units: true);
        ViewerFixtureRun.EditManifest(folder.Path, manifest =>
        {
            var entry = manifest["units"]![0]!.AsObject();
            if (synthesis is null)
            {
                entry.Remove("synthesis");
                entry.Remove("synthesisObjective");
            }
            else entry["synthesisScores"] = synthesis;
        });

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Equal("units[0].synthesisScores", error.Field);
        Assert.Contains(expected, error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Maps_without_their_points_are_refused()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(folder.Path, points: 20, inputs: RunInputs.ImageKind, units: true);
        ViewerFixtureRun.EditManifest(folder.Path, manifest => manifest["units"]![0]!.AsObject().Remove("mapPoints"));

        var error = Assert.Throws<DataFormatException>(() => RunManifestReader.Read(folder.Path));

        Assert.Equal("units[0].mapPoints", error.Field);
    }

    [Fact]
    public void The_writer_refuses_units_without_image_inputs_and_map_points_out_of_order()
    {
        using var folder = new TemporaryFolder();
        var writer = new RunManifestWriter(folder.Path, "t", "test", 3);
        var top = new Float32Array("top", new float[2 * 1 * RunUnits.TopFields], [2, 1, RunUnits.TopFields]);

        var noImages = Assert.Throws<ArgumentException>(() => writer.AddUnits("conv", top));

        writer.AddArray("images", "images.npy", new float[12], 3, 2, 2);
        writer.SetImageInputs("images", 2, 2);
        var maps = new Float32Array("maps", new float[2 * 2], [2, 2, 1, 1]);
        var unordered = Assert.Throws<ArgumentException>(() => writer.AddUnits("conv", top, maps, [2, 1]));
        Assert.Contains("image inputs", noImages.Message, StringComparison.Ordinal);
        Assert.Contains("map point 1", unordered.Message, StringComparison.Ordinal);
        writer.AddUnits("conv", top, maps, [0, 2]);
        writer.Write();
        Assert.Equal("conv", RunManifestReader.Read(folder.Path).Units.Single().Layer);
    }
}
