using System.Text.Json;
using LayerScope.Testing;

namespace LayerScope.Cli.Tests.Commands;

/// <summary><c>layerscope units</c> on small ONNX models kept beside the tests: one the TorchSharp executor can
/// differentiate (synthesis included) and one it cannot (everything but synthesis, and a message saying why).</summary>
public sealed class UnitsCommandTests
{
    private static string TorchFixture(string file) => Path.Combine(TestData.RepositoryRoot, "tests", "LayerScope.Core.Tests", "Onnx", "Torch", "Fixtures", file);

    private static string Fixture(string file) => Path.Combine(TestData.RepositoryRoot, "tests", "LayerScope.Cli.Tests", "Commands", "Fixtures", file);

    [Fact]
    public void A_residual_cnn_gets_maps_top_k_with_receptive_fields_and_synthesized_inputs()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("units");
        var run = CliRun.Of("units", "--model", TorchFixture("resnet_cnn.onnx"), "--layer", "/down/Conv_output_0", "--input", TorchFixture("resnet_cnn_input.npy"),
            "--top", "3", "--synthesis-steps", "8", "--out", output);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("synthesis reaches 10× the mean activation", run.Output);
        foreach (var file in new[] { "report.html", "units.json", "feature-maps/down_Conv_output_0-image-0.png", "top-images/down_Conv_output_0-images.png",
                     "top-images/down_Conv_output_0-patches.png", "synthesized/down_Conv_output_0.png" })
            Assert.True(File.Exists(Path.Combine(output, file)), $"missing {file}");
        using var units = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "units.json")));
        var root = units.RootElement;
        Assert.Equal(12, root.GetProperty("channels").GetArrayLength());
        // Stride 2 after a max-pool: positions step by 4 input pixels.
        Assert.Equal(4, root.GetProperty("receptiveField").GetProperty("columns").GetProperty("jump").GetInt32());
        var first = root.GetProperty("channels")[0];
        Assert.Equal(3, first.GetProperty("top").GetArrayLength());
        Assert.True(first.GetProperty("synthesis").GetProperty("after").GetDouble() > first.GetProperty("synthesis").GetProperty("before").GetDouble());
        // A viewer run for the units view: the layer's 12 channels with their top 3, maps of the chosen inputs and a synthesis each.
        var viewer = LayerScope.Runs.RunManifestReader.Read(output);
        var entry = Assert.Single(viewer.Units);
        Assert.Equal((12, true, true), (entry.Channels, entry.Maps is not null, entry.Synthesis is not null));
    }

    [Fact]
    public void A_model_the_executor_cannot_differentiate_still_gets_maps_and_top_k_and_says_why_there_is_no_synthesis()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("units");
        var run = CliRun.Of("units", "--model", Fixture("conv_hardmax.onnx"), "--layer", "act", "--input", Fixture("conv_hardmax_input.npy"), "--out", output);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("no synthesized inputs", run.Output);
        Assert.Contains("Hardmax", run.Output);
        Assert.True(File.Exists(Path.Combine(output, "top-images/act-patches.png")));
        Assert.False(File.Exists(Path.Combine(output, "synthesized/act.png")));
        using var units = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "units.json")));
        Assert.Contains("Hardmax", units.RootElement.GetProperty("synthesisProblem").GetString());
        Assert.Equal(3, units.RootElement.GetProperty("receptiveField").GetProperty("rows").GetProperty("size").GetInt32());
        Assert.Null(Assert.Single(LayerScope.Runs.RunManifestReader.Read(output).Units).Synthesis);
    }

    [Fact]
    public void A_layer_without_channels_and_positions_is_refused_with_the_flag_and_nothing_is_written()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("units");
        var run = CliRun.Of("units", "--model", TorchFixture("resnet_cnn.onnx"), "--layer", "output", "--input", TorchFixture("resnet_cnn_input.npy"), "--out", output);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--layer", run.Error);
        Assert.Contains("[N, C, H, W]", run.Error);
        Assert.False(Directory.Exists(output));
    }
}
