using LayerScope.Cli;
using LayerScope.Cli.Terminal;
using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Cli.Tests.Commands;

public sealed class OnnxCommandTests
{
    [OnnxFact("seq_lstm.onnx")]
    public void Layers_lists_inputs_nodes_and_module_scopes()
    {
        var (code, output, error) = Run("layers", "--model", TestData.OnnxFile("seq_lstm.onnx"));
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("[batch, 25, 12]", output);
        Assert.Contains("/lstm/LSTM_output_0", output);
        Assert.Contains("[25, 1, batch, 20]", output);
        Assert.Contains("/lstm/Transpose_1_output_0  float32 [batch, 25, 20]", output);
    }

    [OnnxFact("mlp.onnx")]
    public void Layers_of_the_mlp()
    {
        var (code, output, _) = Run("layers", "--model", TestData.OnnxFile("mlp.onnx"));
        Assert.Equal(0, code);
        foreach (var name in new[] { "/hidden/Gemm", "/act/Relu_output_0", "/bottleneck", "/act2", "Sigmoid", "[batch, 4]" })
            Assert.Contains(name, output);
    }

    [OnnxFact("seq_lstm.onnx")]
    public void Capture_writes_the_module_output()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("lstm.npy");
        var (code, text, error) = Run("capture", "--model", TestData.OnnxFile("seq_lstm.onnx"), "--layer", "lstm",
            "--input", TestData.OnnxFile("seq_lstm_input.npy"), "--batch", "5", "--out", output);
        Assert.True(code == 0, error);
        Assert.Contains("/lstm/Transpose_1_output_0", text);
        var captured = NpyReader.Read(output);
        Assert.Equal(new long[] { 16, 25, 20 }, captured.Shape);
        var reference = NpyReader.Read(TestData.OnnxFile("seq_lstm_ref_lstm.npy")).ToFloat32();
        double scale = reference.Max(v => Math.Abs((double)v));
        double worst = captured.ToFloat32().Zip(reference, (a, b) => Math.Abs((double)a - b)).Max();
        Assert.True(worst / scale < 1e-4);
    }

    [OnnxFact("mlp.onnx")]
    public void Capture_of_several_layers_writes_an_npz()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("mlp.npz");
        var (code, _, error) = Run("capture", "--model", TestData.OnnxFile("mlp.onnx"), "--layer", "act", "--layer", "/act2/Relu",
            "--input", TestData.OnnxFile("mlp_input.npy"), "--out", output);
        Assert.True(code == 0, error);
        Assert.Equal(["act", "act2_Relu"], NpzArchive.Read(output).Keys.Order());
    }

    [OnnxFact("mlp.onnx")]
    public void An_unknown_layer_exits_1_with_suggestions()
    {
        using var folder = new TemporaryFolder();
        var (code, _, error) = Run("capture", "--model", TestData.OnnxFile("mlp.onnx"), "--layer", "act3",
            "--input", TestData.OnnxFile("mlp_input.npy"), "--out", folder.File("x.npy"));
        Assert.Equal(ErrorPresenter.UserError, code);
        Assert.Contains("act3", error);
        Assert.Contains("'/act2'", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void A_corrupt_model_exits_1_naming_the_file()
    {
        using var folder = new TemporaryFolder();
        var model = folder.File("broken.onnx");
        File.WriteAllBytes(model, [0x08, 0x07, 0x3A, 0xFF, 0xFF, 0x01]);
        var (code, _, error) = Run("layers", "--model", model);
        Assert.Equal(ErrorPresenter.UserError, code);
        Assert.Contains("broken.onnx", error);
    }

    [OnnxFact("mlp.onnx")]
    public void Several_layers_into_an_npy_file_is_refused()
    {
        var (code, _, error) = Run("capture", "--model", TestData.OnnxFile("mlp.onnx"), "--layer", "act", "--layer", "act2",
            "--input", TestData.OnnxFile("mlp_input.npy"), "--out", "x.npy");
        Assert.Equal(ErrorPresenter.UserError, code);
        Assert.Contains(".npz", error);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = LayerScopeCommandLine.Run(args, CliTerminal.Recording(output, error));
        return (code, output.ToString(), error.ToString());
    }
}
