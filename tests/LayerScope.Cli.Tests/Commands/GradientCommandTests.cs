using LayerScope.Gradients;
using LayerScope.Onnx.Torch;
using LayerScope.Storage.Npy;
using LayerScope.Testing;
using static TorchSharp.torch;

namespace LayerScope.Cli.Tests.Commands;

/// <summary><c>layerscope gradient</c> end to end on the reference MLP (correctness against finite differences and
/// PyTorch is tested on the stage, OnnxGradientsTests).</summary>
public sealed class GradientCommandTests
{
    [OnnxFact("mlp.onnx")]
    public void Gradient_writes_one_input_shaped_gradient_per_row()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("g.npy");
        string model = TestData.OnnxFile("mlp.onnx"), inputFile = TestData.OnnxFile("mlp_input.npy");
        var run = CliRun.Of("gradient", "--model", model, "--input", inputFile, "--of", "bottleneck", "--unit", "1", "--batch", "5", "--out", output);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("d(unit 1 of /bottleneck/Gemm_output_0) / d(input", run.Output, StringComparison.Ordinal);
        var input = NpyReader.Read(inputFile);
        var written = NpyReader.Read(output);
        Assert.Equal(input.Shape, written.Shape);
        // Row by row what the executor's autograd gives for all rows at once: batches of 5 neither mix nor drop rows.
        using var onnx = OnnxTorchModel.Load(model);
        using var x = tensor(input.ToFloat32(), input.Shape);
        using var expected = onnx.InputGradient(new Dictionary<string, Tensor> { [onnx.InputNames[0]] = x }, "bottleneck", GradientSelector.Unit(1));
        var reference = expected.contiguous().data<float>().ToArray();
        Assert.Contains(reference, v => v != 0);
        Assert.Equal(reference, written.ToFloat32(), (a, b) => Math.Abs(a - b) <= 1e-6f * Math.Max(1f, Math.Abs(a)));
    }

    [Fact]
    public void Each_input_of_a_two_input_model_is_given_by_name()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("g.npy");
        string Fixture(string file) => Path.Combine(TestData.RepositoryRoot, "tests", "LayerScope.Core.Tests", "Onnx", "Torch", "Fixtures", file);
        var run = CliRun.Of("gradient", "--model", Fixture("two_inputs.onnx"), "--input", Fixture("two_inputs_tokens.npy"), "--input-name", "tokens",
            "--input", Fixture("two_inputs_features.npy"), "--input-name", "features", "--of", "output", "--unit", "0", "--out", output);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("d(unit 0 of output) / d(input features)", run.Output, StringComparison.Ordinal);
        var expected = NpyReader.Read(Fixture("two_inputs_grad.npy")).ToFloat64();
        Assert.Equal(expected, NpyReader.Read(output).ToFloat64(), (a, b) => Math.Abs(a - b) <= 1e-5 * Math.Max(1, Math.Abs(b)));

        // Without --input-name the files cannot be matched to the inputs: the message names the flag.
        var unnamed = CliRun.Of("gradient", "--model", Fixture("two_inputs.onnx"), "--input", Fixture("two_inputs_features.npy"),
            "--input", Fixture("two_inputs_tokens.npy"), "--of", "output", "--out", folder.File("h.npy"));
        Assert.Equal(1, unnamed.ExitCode);
        Assert.Contains("--input-name", unnamed.Error, StringComparison.Ordinal);
    }

    [OnnxFact("mlp.onnx")]
    public void A_bad_unit_or_name_exits_1_naming_the_flag_and_writes_nothing()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("g.npy");
        string model = TestData.OnnxFile("mlp.onnx"), inputFile = TestData.OnnxFile("mlp_input.npy");

        var unit = CliRun.Of("gradient", "--model", model, "--input", inputFile, "--of", "output", "--unit", "99", "--out", output);
        Assert.Equal(1, unit.ExitCode);
        Assert.Contains("--unit is 99", unit.Error, StringComparison.Ordinal);
        var name = CliRun.Of("gradient", "--model", model, "--input", inputFile, "--of", "outptu", "--out", output);
        Assert.Equal(1, name.ExitCode);
        Assert.Contains("'output'", name.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", name.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }
}
