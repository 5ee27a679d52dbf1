using LayerScope.Errors;
using LayerScope.Onnx;
using LayerScope.Onnx.Proto;
using LayerScope.Testing;

namespace LayerScope.Tests.Onnx;

public sealed class OnnxModelTests
{
    [OnnxFact("mlp.onnx")]
    public void The_mlp_layer_table_lists_inputs_outputs_nodes_and_scopes()
    {
        var table = OnnxModel.Open(TestData.OnnxFile("mlp.onnx")).Layers;
        Assert.Equal("input float32 [batch, 4]", Describe(table.Inputs.Single()));
        Assert.Equal("output float32 [batch, 1]", Describe(table.Outputs.Single()));
        Assert.Equal(["/hidden/Gemm", "/act/Relu", "/bottleneck/Gemm", "/act2/Relu", "/out/Gemm", "/Sigmoid"], table.Nodes.Select(n => n.Name));
        Assert.Equal(["Gemm", "Relu", "Gemm", "Relu", "Gemm", "Sigmoid"], table.Nodes.Select(n => n.OpType));
        Assert.Equal(["/hidden", "/act", "/bottleneck", "/act2", "/out"], table.Scopes.Select(s => s.Path));
        Assert.Equal("", table.Nodes[^1].Scope);
        Assert.Equal("/act2/Relu_output_0 float32 [batch, 2]", Describe(table.FindTensor("/act2/Relu_output_0")!));
        Assert.Equal(OnnxShapeSource.DryRun, table.FindTensor("/act2/Relu_output_0")!.ShapeSource);
        Assert.Null(table.DryRunProblem);
    }

    [OnnxFact("seq_lstm.onnx")]
    public void The_lstm_layer_table_groups_the_exporter_nodes_under_the_module()
    {
        var table = OnnxModel.Open(TestData.OnnxFile("seq_lstm.onnx")).Layers;
        Assert.Equal("input float32 [batch, 25, 12]", Describe(table.Inputs.Single()));
        Assert.Equal("output float32 [batch, 9]", Describe(table.Outputs.Single()));
        Assert.Equal(["/lstm", "/fc"], table.Scopes.Select(s => s.Path));
        var lstm = table.FindScope("lstm")!;
        Assert.Equal(13, lstm.Nodes.Count);
        Assert.Contains(lstm.Nodes, n => n.OpType == "LSTM");
        var raw = table.Nodes.Single(n => n.OpType == "LSTM");
        Assert.Equal(["/lstm/LSTM_output_0 float32 [25, 1, batch, 20]", "/lstm/LSTM_output_1 float32 [1, batch, 20]", "/lstm/LSTM_output_2 float32 [1, batch, 20]"],
            raw.Outputs.Select(Describe));
        Assert.Equal("/fc/Gemm_output_0", table.Resolve("fc").TensorName);
    }

    [OnnxFact("mlp.onnx")]
    public void A_truncated_file_is_refused_with_its_name()
    {
        using var folder = new TemporaryFolder();
        var bytes = File.ReadAllBytes(TestData.OnnxFile("mlp.onnx"));
        var path = folder.File("truncated.onnx");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var error = Assert.ThrowsAny<OnnxModelFormatException>(() => OnnxModel.Open(path).Layers);
        Assert.Contains("truncated.onnx", error.Message);
    }

    [Fact]
    public void Garbage_bytes_are_refused_with_the_file_name()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("garbage.onnx");
        var random = new Random(7);
        var bytes = new byte[4096];
        random.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<OnnxModelFormatException>(() => OnnxModel.Open(path));
        Assert.Contains("garbage.onnx", error.Message);
        Assert.Contains("not a valid ONNX model", error.Message);
    }

    [Fact]
    public void A_text_file_is_refused()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("notes.onnx");
        File.WriteAllText(path, "this is not a model\n");
        Assert.Throws<OnnxModelFormatException>(() => OnnxModel.Open(path));
    }

    [OnnxFact("mlp.onnx")]
    public void Adding_outputs_keeps_every_other_byte()
    {
        var model = OnnxModel.Open(TestData.OnnxFile("mlp.onnx"));
        var extra = ProtoWire.EncodeLengthDelimited(GraphProto.OutputField, ValueInfoProto.Encode("/act/Relu_output_0", TensorElementType.Float));
        var copy = ModelProto.Parse(model.Proto.EncodeWithGraphFields([extra]));
        Assert.Equal(["output", "/act/Relu_output_0"], copy.Graph!.Outputs.Select(o => o.Name));
        Assert.Equal(model.Proto.Fields.Where(f => f.Number != ModelProto.GraphField).Select(f => f.Encoded.ToArray()),
            copy.Fields.Where(f => f.Number != ModelProto.GraphField).Select(f => f.Encoded.ToArray()));
        var original = model.Proto.Fields.Single(f => f.Number == ModelProto.GraphField).Payload.ToArray();
        Assert.Equal(original, copy.Fields.Single(f => f.Number == ModelProto.GraphField).Payload.ToArray()[..original.Length]);
        Assert.Equal(14, copy.OpsetImport.Single().Version);
    }

    [OnnxFact("mlp.onnx")]
    public void External_data_files_are_found_beside_the_model()
    {
        using var folder = new TemporaryFolder();
        var path = ExternalDataModels.WriteWithExternalWeights(TestData.OnnxFile("mlp.onnx"), folder.Path, "mlp_external.onnx", "weights.bin");
        var model = OnnxModel.Open(path);
        Assert.True(model.HasExternalData);
        var result = OnnxActivationCapture.Run(model, new OnnxCaptureOptions
        {
            Layers = ["output"],
            Inputs = [OnnxInputSource.FromFile(TestData.OnnxFile("mlp_input.npy"))],
        });
        var reference = LayerScope.Storage.Npy.NpyReader.Read(TestData.OnnxFile("mlp_ref_output.npy")).ToFloat32();
        Assert.True(OnnxCaptureTests.MaxRelativeDifference(result.Layers[0].Values!.ToFloat32(), reference) < 1e-4);

        File.Delete(Path.Combine(folder.Path, "weights.bin"));
        var error = Assert.Throws<OnnxModelFormatException>(() => OnnxModel.Open(path));
        Assert.Contains("weights.bin", error.Message);
    }

    [Fact]
    public void Levenshtein_counts_edits()
    {
        Assert.Equal(0, NameSuggestions.Levenshtein("relu", "relu"));
        Assert.Equal(2, NameSuggestions.Levenshtein("outptu", "output"));
        Assert.Equal(3, NameSuggestions.Levenshtein("kitten", "sitting"));
    }

    private static string Describe(OnnxTensorInfo tensor) => $"{tensor.Name} {tensor.Describe()}";
}
