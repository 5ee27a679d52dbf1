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
    public void A_relu_unit_that_no_start_turns_on_is_synthesized_through_the_relus_input()
    {
        // One 3×3 filter of ones with bias -8.5 behind a Relu: on only where all nine pixels are near 1, so off on
        // every random start and on the data (sparse 0/1 pixels). Gradient ascent on the Relu's output alone never
        // moves; units finds the Relu's input and raises it until the unit turns on.
        using var folder = new TemporaryFolder();
        var model = folder.File("late_filter.onnx");
        new HandMadeOnnx()
            .Input("image", 1, "batch", 1, 8, 8).Output("act", 1, "batch", 1, 6, 6)
            .Weight("W", Enumerable.Repeat(1f, 9).ToArray(), 1, 1, 3, 3).Weight("B", [-8.5f], 1)
            .Node("Conv", "/conv/Conv", ["image", "W", "B"], ["pre"])
            .Node("Relu", "/act/Relu", ["pre"], ["act"])
            .Save(model);
        var random = new Random(5);
        var pixels = Enumerable.Range(0, 16 * 64).Select(_ => random.NextDouble() < 0.3 ? 1f : 0f).ToArray();
        var input = folder.File("images.npy");
        LayerScope.Storage.Npy.NpyWriter.Write(input, LayerScope.Storage.Npy.NpyArray.Create(pixels, 16, 1, 8, 8));
        var output = folder.File("units");

        var run = CliRun.Of("units", "--model", model, "--layer", "act", "--input", input, "--synthesis-steps", "64", "--out", output);

        Assert.True(run.ExitCode == 0, run.Error);
        using var units = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "units.json")));
        var synthesis = units.RootElement.GetProperty("channels")[0].GetProperty("synthesis");
        Assert.Equal(0, synthesis.GetProperty("before").GetDouble());
        // The optimum is 0.5 (all nine pixels at the data's maximum 1).
        Assert.InRange(synthesis.GetProperty("after").GetDouble(), 0.2, 0.5 + 1e-4);
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
