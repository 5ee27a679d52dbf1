using LayerScope.Errors;
using LayerScope.Onnx;
using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Tests.Onnx;

public sealed class OnnxCaptureTests
{
    private const double Tolerance = 1e-4;

    [OnnxTheory("cases.json")]
    [MemberData(nameof(OnnxCase.Names), MemberType = typeof(OnnxCase))]
    public void Capture_by_tensor_name_matches_PyTorch(string caseName)
    {
        var c = OnnxCase.Find(caseName);
        var captured = CaptureInMemory(c.Model, c.Input, c.Layer);
        AssertMatchesReference(c, captured);
    }

    // Only cases with a module scope: graph outputs have none, and the tensor-name theory covers them. Every row
    // asserts; none passes by returning early.
    [OnnxTheory("cases.json")]
    [MemberData(nameof(OnnxCase.ModuleScopeNames), MemberType = typeof(OnnxCase))]
    public void Capture_by_module_scope_matches_PyTorch(string caseName)
    {
        var c = OnnxCase.Find(caseName);
        Assert.True(c.HasModuleScope, $"{caseName} has no module scope");
        var model = OnnxModel.Open(TestData.OnnxFile(c.Model));
        var reference = model.Layers.Resolve(c.Module);
        Assert.Equal(OnnxLayerKind.ModuleScope, reference.Kind);
        Assert.Equal(c.Layer, reference.TensorName);
        Assert.Equal(c.Layer, model.Layers.Resolve("/" + c.Module).TensorName);
        AssertMatchesReference(c, CaptureInMemory(c.Model, c.Input, c.Module));
    }

    [OnnxFact("mlp.onnx")]
    public void A_node_name_means_its_first_output()
    {
        var model = OnnxModel.Open(TestData.OnnxFile("mlp.onnx"));
        var reference = model.Layers.Resolve("/act/Relu");
        Assert.Equal("/act/Relu_output_0", reference.TensorName);
        Assert.Equal(OnnxLayerKind.Node, reference.Kind);
    }

    [OnnxFact("seq_lstm.onnx")]
    public void The_LSTM_scope_is_the_batch_first_output_not_the_raw_ONNX_tensor()
    {
        var model = OnnxModel.Open(TestData.OnnxFile("seq_lstm.onnx"));
        var scope = model.Layers.FindScope("lstm")!;
        Assert.Equal("/lstm/Transpose_1_output_0", scope.Output);
        Assert.Equal("[batch, 25, 20]", OnnxDimension.Format(model.Layers.FindTensor(scope.Output!)!.Shape));
    }

    [OnnxFact("seq_lstm.onnx")]
    public void A_tensor_with_the_batch_inside_is_written_batch_first()
    {
        // The raw ONNX LSTM output is [time, directions, batch, hidden]; stacking batches needs the batch axis first.
        var captured = CaptureInMemory("seq_lstm.onnx", "seq_lstm_input.npy", "/lstm/LSTM_output_0", batch: 5).Layers[0];
        Assert.Equal(2, captured.ModelBatchAxis);
        Assert.Equal(new long[] { 16, 25, 1, 20 }, captured.Shape);
        var reference = NpyReader.Read(TestData.OnnxFile("seq_lstm_ref_lstm.npy")).ToFloat32(); // [batch, time, hidden]
        var values = captured.Values!.GetData<float>();
        Assert.True(MaxRelativeDifference(values, reference) < Tolerance);
    }

    [OnnxFact("mlp.onnx")]
    public void A_batch_size_that_does_not_divide_the_rows_gives_the_same_values()
    {
        var whole = CaptureInMemory("mlp.onnx", "mlp_input.npy", "act", batch: 256).Layers[0].Values!.GetData<float>();
        var pieces = CaptureInMemory("mlp.onnx", "mlp_input.npy", "act", batch: 32).Layers[0];
        Assert.Equal(new long[] { 100, 3 }, pieces.Shape);
        Assert.Equal(whole, pieces.Values!.GetData<float>());
        var single = CaptureInMemory("mlp.onnx", "mlp_input.npy", "act", batch: 1).Layers[0].Values!.GetData<float>();
        Assert.Equal(whole, single);
    }

    [OnnxFact("mlp.onnx")]
    public void Several_layers_go_to_one_npz()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("acts.npz");
        var model = OnnxModel.Open(TestData.OnnxFile("mlp.onnx"));
        var result = OnnxActivationCapture.Run(model, new OnnxCaptureOptions
        {
            Layers = ["act", "/act2/Relu_output_0", "output", "input"],
            Inputs = [OnnxInputSource.FromFile(TestData.OnnxFile("mlp_input.npy"))],
            BatchSize = 7,
            OutputPath = output,
        });
        var arrays = NpzArchive.Read(output);
        Assert.Equal(["act", "act2_Relu_output_0", "output", "input"], result.Layers.Select(l => l.Key));
        Assert.Equal(new long[] { 100, 3 }, arrays["act"].Shape);
        Assert.Equal(new long[] { 100, 2 }, arrays["act2_Relu_output_0"].Shape);
        Assert.Equal(new long[] { 100, 1 }, arrays["output"].Shape);
        Assert.Equal(NpyReader.Read(TestData.OnnxFile("mlp_input.npy")).ToFloat32(), arrays["input"].ToFloat32());
        Assert.True(MaxRelativeDifference(arrays["act"].ToFloat32(), NpyReader.Read(TestData.OnnxFile("mlp_ref_act.npy")).ToFloat32()) < Tolerance);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path, ".layerscope-tmp-*"));
    }

    [OnnxFact("mlp.onnx")]
    public void A_capture_in_memory_removes_what_a_killed_one_left_in_the_temp_folder()
    {
        // What a capture killed with -9 leaves: its parts folder, named by OutputTemporaries, of a process now gone.
        var stale = Path.Combine(Path.GetTempPath(), $".layerscope-tmp-{int.MaxValue - 1}-{Guid.NewGuid():N}-staging-capture");
        Directory.CreateDirectory(stale);
        File.WriteAllBytes(Path.Combine(stale, "0.npy"), new byte[1000]);
        Directory.SetLastWriteTimeUtc(stale, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        try
        {
            CaptureInMemory("mlp.onnx", "mlp_input.npy", "act");

            Assert.False(Directory.Exists(stale));
        }
        finally
        {
            if (Directory.Exists(stale)) Directory.Delete(stale, recursive: true);
        }
    }

    [OnnxFact("mlp.onnx")]
    public void An_unknown_layer_lists_near_matches()
    {
        var model = OnnxModel.Open(TestData.OnnxFile("mlp.onnx"));
        var error = Assert.Throws<UnknownOnnxLayerException>(() => model.Layers.Resolve("/act/Relu_outptu_0"));
        Assert.Equal("/act/Relu_output_0", error.Closest[0]);
        Assert.Contains("'/act/Relu_output_0'", error.Message);
        Assert.Contains("mlp.onnx", error.Message);
        var scope = Assert.Throws<UnknownOnnxLayerException>(() => model.Layers.Resolve("bottlenek"));
        Assert.Contains("/bottleneck", scope.Closest);
    }

    [OnnxFact("mlp.onnx")]
    public void A_float64_input_for_a_float32_model_names_expected_and_given()
    {
        using var folder = new TemporaryFolder();
        var input = folder.File("x64.npy");
        NpyWriter.Write(input, NpyArray.Create(new double[10 * 4], 10, 4));
        var error = Assert.Throws<DataFormatException>(() => CaptureInMemory("mlp.onnx", input, "act"));
        Assert.Contains("float32 [batch, 4]", error.Message);
        Assert.Contains("float64 [10, 4]", error.Message);
        Assert.Contains("x64.npy", error.Message);
    }

    [OnnxFact("mlp.onnx")]
    public void An_input_of_the_wrong_width_names_expected_and_given()
    {
        using var folder = new TemporaryFolder();
        var input = folder.File("x5.npy");
        NpyWriter.Write(input, NpyArray.Create(new float[10 * 5], 10, 5));
        var error = Assert.Throws<DataFormatException>(() => CaptureInMemory("mlp.onnx", input, "act"));
        Assert.Contains("expected float32 [batch, 4], found float32 [10, 5]", error.Message);
    }

    [OnnxFact("mlp.onnx")]
    public void An_unknown_input_name_lists_the_model_inputs()
    {
        var model = OnnxModel.Open(TestData.OnnxFile("mlp.onnx"));
        var error = Assert.Throws<InvalidSettingsException>(() => OnnxActivationCapture.Run(model, new OnnxCaptureOptions
        {
            Layers = ["act"],
            Inputs = [OnnxInputSource.FromFile(TestData.OnnxFile("mlp_input.npy"), "x")],
        }));
        Assert.Contains("input (float32 [batch, 4])", error.Message);
    }

    [OnnxFact("mlp.onnx")]
    public void Options_report_every_problem_at_once()
    {
        var problems = new OnnxCaptureOptions { Layers = ["a", "b"], Inputs = [], BatchSize = 0, OutputPath = "x.npy" }.Validate();
        Assert.Equal(3, problems.Count);
    }

    [OnnxFact("mlp.onnx")]
    public void Arrays_in_memory_can_be_captured()
    {
        var model = OnnxModel.Open(TestData.OnnxFile("mlp.onnx"));
        var input = NpyReader.Read(TestData.OnnxFile("mlp_input.npy"));
        var result = OnnxActivationCapture.Run(model, new OnnxCaptureOptions { Layers = ["output"], Inputs = [OnnxInputSource.FromArray(input)] });
        Assert.True(MaxRelativeDifference(result.Layers[0].Values!.ToFloat32(), NpyReader.Read(TestData.OnnxFile("mlp_ref_output.npy")).ToFloat32()) < Tolerance);
    }

    internal static OnnxCaptureResult CaptureInMemory(string modelFile, string inputFile, string layer, int batch = OnnxCaptureOptions.DefaultBatchSize)
    {
        var model = OnnxModel.Open(TestData.OnnxFile(modelFile));
        var input = Path.IsPathRooted(inputFile) ? inputFile : TestData.OnnxFile(inputFile);
        return OnnxActivationCapture.Run(model, new OnnxCaptureOptions
        {
            Layers = [layer],
            Inputs = [OnnxInputSource.FromFile(input)],
            BatchSize = batch,
        });
    }

    private static void AssertMatchesReference(OnnxCase c, OnnxCaptureResult result)
    {
        var captured = result.Layers.Single();
        var reference = NpyReader.Read(TestData.OnnxFile(c.Ref));
        Assert.Equal(c.Shape, captured.Shape);
        Assert.Equal(c.Shape, reference.Shape);
        double difference = MaxRelativeDifference(captured.Values!.ToFloat32(), reference.ToFloat32());
        Assert.True(difference < Tolerance, $"{c}: max |difference| / max |reference| = {difference:g3}, over {Tolerance:g1}.");
    }

    /// <summary>max |a - b| / max |b|: the acceptance measure of the issue.</summary>
    internal static double MaxRelativeDifference(float[] actual, float[] reference)
    {
        Assert.Equal(reference.Length, actual.Length);
        double scale = reference.Max(v => Math.Abs((double)v));
        double worst = actual.Zip(reference, (a, b) => Math.Abs((double)a - b)).Max();
        return worst / Math.Max(scale, 1e-30);
    }
}
