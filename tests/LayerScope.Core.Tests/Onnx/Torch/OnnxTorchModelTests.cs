using LayerScope.Gradients;
using LayerScope.Onnx;
using LayerScope.Onnx.Torch;
using LayerScope.Storage.Npy;
using LayerScope.Testing;
using static TorchSharp.torch;

namespace LayerScope.Tests.Onnx.Torch;

public sealed class OnnxTorchModelTests
{
    private const double IntermediateTolerance = 1e-5;

    public static TheoryData<string, int> SharedModelsAtBatches() => new() { { "mlp.onnx", 1 }, { "mlp.onnx", 7 }, { "seq_lstm.onnx", 1 }, { "seq_lstm.onnx", 7 } };

    public static TheoryData<string, int> FixturesAtBatches()
    {
        var data = new TheoryData<string, int>();
        foreach (var f in TorchFixture.All()) { data.Add(f.Model, 1); data.Add(f.Model, 7); }
        return data;
    }

    private static string SharedInput(string model) => model.Replace(".onnx", "_input.npy", StringComparison.Ordinal);

    [OnnxTheory("cases.json")]
    [MemberData(nameof(SharedModelsAtBatches))]
    public void Every_tensor_of_a_shared_model_equals_ONNX_Runtimes(string model, int batch) =>
        AssertEveryTensorMatchesOrt(TestData.OnnxFile(model), TestData.OnnxFile(SharedInput(model)), batch);

    [Theory]
    [MemberData(nameof(FixturesAtBatches))]
    public void Every_tensor_of_an_exported_model_equals_ONNX_Runtimes(string model, int batch)
    {
        var fixture = TorchFixture.Find(model);
        AssertEveryTensorMatchesOrt(fixture.ModelPath, TorchFixture.PathOf(fixture.Input), batch);
    }

    [Theory]
    [MemberData(nameof(TorchFixture.WithPyTorchReferences), MemberType = typeof(TorchFixture))]
    public void Output_and_input_gradient_equal_PyTorchs(string model)
    {
        var fixture = TorchFixture.Find(model);
        var input = NpyReader.Read(TorchFixture.PathOf(fixture.Input));
        using (var float32 = OnnxTorchModel.Load(fixture.ModelPath))
        using (var forward = float32.Forward(OrtReference.Rows(input, 7), new ForwardRequest(["output"], Gradients: false)))
        {
            var expected = NpyReader.Read(TorchFixture.PathOf(fixture.Output!)).ToFloat64();
            Assert.True(OrtReference.RelativeDifference(OrtReference.ToDoubles(forward["output"]), expected) < 1e-5);
        }

        using var float64 = OnnxTorchModel.Load(fixture.ModelPath, new OnnxTorchOptions { DoublePrecision = true });
        var inputs = new Dictionary<string, Tensor> { ["input"] = OrtReference.Rows(input, 7) };
        using var gradient = float64.InputGradient(inputs, "output", GradientSelector.Unit(0), fixture.Wrt);
        Assert.Equal(ScalarType.Float64, gradient.dtype);
        var reference = NpyReader.Read(TorchFixture.PathOf(fixture.Grad!));
        Assert.Equal(reference.Shape, gradient.shape);
        double difference = OrtReference.RelativeDifference(OrtReference.ToDoubles(gradient), reference.ToFloat64());
        // Not float64 round-off (1e-13): ONNX stores BatchNormalization's epsilon as float32 (1e-5 becomes
        // 9.99999975e-6), which moves the gradient by about 1e-8 relative to PyTorch's double epsilon.
        Assert.True(difference < 1e-7, $"gradient differs from torch.autograd.grad by {difference:E2} (relative)");
    }

    [OnnxTheory("cases.json")]
    [InlineData("mlp.onnx")]
    [InlineData("seq_lstm.onnx")]
    public void Shared_model_gradients_equal_central_finite_differences(string model) =>
        AssertGradientMatchesFiniteDifferences(TestData.OnnxFile(model), NpyReader.Read(TestData.OnnxFile(SharedInput(model))), null);

    [Theory]
    [MemberData(nameof(TorchFixture.Names), MemberType = typeof(TorchFixture))]
    public void Exported_model_gradients_equal_central_finite_differences(string model)
    {
        var fixture = TorchFixture.Find(model);
        AssertGradientMatchesFiniteDifferences(fixture.ModelPath, NpyReader.Read(TorchFixture.PathOf(fixture.Input)), fixture.Wrt);
    }

    [Theory]
    [MemberData(nameof(BatchMajorFixture.Names), MemberType = typeof(BatchMajorFixture))]
    public void A_batch_major_recurrent_node_equals_its_time_major_twin_in_ONNX_Runtime_and_finite_differences(string model)
    {
        var fixture = BatchMajorFixture.All().Single(f => f.Model == model);
        var input = NpyReader.Read(TorchFixture.PathOf(fixture.Input));
        var twin = OnnxModel.Open(TorchFixture.PathOf(fixture.Twin));
        var expected = OrtReference.AllTensors(twin, input, 7);
        using (var batchMajor = OnnxTorchModel.Load(TorchFixture.PathOf(fixture.Model)))
        using (var forward = batchMajor.Forward(OrtReference.Rows(input, 7), new ForwardRequest(["output", "y_h"], Gradients: false)))
        {
            Assert.Equal(expected["output"].Shape, forward["output"].shape);
            foreach (var name in new[] { "output", "y_h" })
            {
                // The twin's Y_h is [directions, batch, hidden]; the batch-major one is [batch, directions, hidden].
                var actual = name == "y_h" ? forward[name].transpose(0, 1) : forward[name];
                var reference = ((float[])expected[name].Data).Select(f => (double)f).ToArray();
                double difference = OrtReference.RelativeDifference(OrtReference.ToDoubles(actual), reference);
                Assert.True(difference <= IntermediateTolerance, $"{name} differs from the time-major twin in ONNX Runtime by {difference:E2}");
            }
        }
        AssertGradientMatchesFiniteDifferences(TorchFixture.PathOf(fixture.Model), input, null);
    }

    [Theory]
    [MemberData(nameof(TorchFixture.Names), MemberType = typeof(TorchFixture))]
    public void Writing_into_dead_inputs_gives_the_same_bits_and_leaves_the_callers_tensors_alone(string model)
    {
        var fixture = TorchFixture.Find(model);
        var input = OrtReference.Rows(NpyReader.Read(TorchFixture.PathOf(fixture.Input)), 7);
        using var given = input.clone();
        using var inPlace = OnnxTorchModel.Load(fixture.ModelPath);
        using var fresh = OnnxTorchModel.Load(fixture.ModelPath, new OnnxTorchOptions { InPlace = false });
        // The Gelu chain reads its input twice (Div and Mul): writing into it at the first reader would change the second.
        using var written = inPlace.Forward(input, new ForwardRequest(["output"], Gradients: false));
        using var expected = fresh.Forward(input, new ForwardRequest(["output"], Gradients: false));
        Assert.True(written["output"].equal(expected["output"]).all().item<bool>(), "the output differs from a pass that allocates every tensor");
        Assert.True(input.equal(given).all().item<bool>(), "the caller's input was modified");
        Assert.Equal(0, fresh.LastPassOverwrites);
        if (model == "resnet_cnn.onnx") Assert.True(inPlace.LastPassOverwrites >= 8, $"{inPlace.LastPassOverwrites} nodes wrote in place");
        // A captured tensor is never overwritten by a later node: the stem convolution keeps its negative entries.
        if (model == "resnet_cnn.onnx")
        {
            using var captured = inPlace.Forward(input, new ForwardRequest(["/stem/Conv", "output"], Gradients: false));
            using var reference = fresh.Forward(input, new ForwardRequest(["/stem/Conv"], Gradients: false));
            Assert.True(captured["/stem/Conv"].equal(reference["/stem/Conv"]).all().item<bool>());
            Assert.True(captured["/stem/Conv"].min().item<float>() < 0);
        }
    }

    [Theory]
    [MemberData(nameof(TorchFixture.Names), MemberType = typeof(TorchFixture))]
    public void Constants_decoded_once_stay_as_loaded_through_passes_and_captures(string model)
    {
        // Constant values are decoded at load and shared by every pass: a pass that wrote into one, or a caller who
        // disposed a captured one, would change the next pass.
        var fixture = TorchFixture.Find(model);
        using var input = OrtReference.Rows(NpyReader.Read(TorchFixture.PathOf(fixture.Input)), 7);
        using var loaded = OnnxTorchModel.Load(fixture.ModelPath);
        var constants = loaded.Source.Graph.Nodes.Where(n => n.OpType == "Constant").Select(n => n.Outputs[0]).ToList();
        using var first = loaded.Forward(input, new ForwardRequest(["output"], Gradients: false));
        var values = new Dictionary<string, double[]>();
        using (var captured = loaded.Forward(input, new ForwardRequest(constants, Gradients: false)))
            foreach (var name in constants) values[name] = OrtReference.ToDoubles(captured[name]);
        using var second = loaded.Forward(input, new ForwardRequest(["output", .. constants], Gradients: false));
        Assert.True(first["output"].equal(second["output"]).all().item<bool>(), "a second pass differs from the first");
        foreach (var name in constants) Assert.Equal(values[name], OrtReference.ToDoubles(second[name]));
    }

    [Fact]
    public void Values_that_follow_from_the_input_shapes_are_kept_per_shape_and_equal_ONNX_Runtimes()
    {
        // The BiLSTM rebuilds its zero initial states from the batch size (Shape, Gather, Concat, ConstantOfShape,
        // Slice): kept after the first pass of each batch size, and right for every size, in any order.
        var fixture = TorchFixture.Find("text_bilstm.onnx");
        var onnx = OnnxModel.Open(fixture.ModelPath);
        var input = NpyReader.Read(TorchFixture.PathOf(fixture.Input));
        using var model = OnnxTorchModel.Load(onnx);
        var kept = new List<int>();
        foreach (int rows in new[] { 7, 3, 7, 3 })
        {
            var expected = OrtReference.AllTensors(onnx, input, rows);
            using var forward = model.Forward(OrtReference.Rows(input, rows), new ForwardRequest(expected.Keys.ToList(), Gradients: false));
            foreach (var (name, (shape, _)) in expected)
                Assert.True(shape.SequenceEqual(forward[name].shape), $"{rows} rows: {name} has shape [{string.Join(", ", forward[name].shape)}]");
            var states = onnx.Graph.Nodes.Single(n => n.OpType == "ConstantOfShape").Outputs[0];
            Assert.Equal(rows, forward[states].shape[1]);
            var output = expected["output"].Data as float[];
            Assert.True(OrtReference.RelativeDifference(OrtReference.ToDoubles(forward["output"]), output!.Select(v => (double)v).ToArray()) <= IntermediateTolerance);
            kept.Add(model.KeptStaticOutputs);
        }
        // Constants once; the shape chain once per batch size, and nothing new on the repeated sizes.
        Assert.True(kept[1] > kept[0], "the second batch size kept nothing of its own");
        Assert.Equal(kept[1], kept[3]);
    }

    [Fact]
    public void A_shape_that_depends_on_the_inputs_values_is_computed_on_every_pass()
    {
        // Range(0, max(x)) has as many entries as the data's largest value says; the Shape of it, and the zeros made
        // from that shape, change with the values even when the input's shape does not.
        using var folder = new TemporaryFolder();
        var path = folder.File("value_shape.onnx");
        new HandMadeOnnx()
            .Input("x", 7, "batch", 3).Output("zeros", 1, "n")
            .Integers("zero", [0]).Integers("one", [1])
            .Node("ReduceMax", "/max/ReduceMax", ["x"], ["n"], ("keepdims", 0))
            .Node("Range", "/range/Range", ["zero", "n", "one"], ["r"])
            .Node("Shape", "/range/Shape", ["r"], ["s"])
            .Node("ConstantOfShape", "/zeros/ConstantOfShape", ["s"], ["zeros"])
            .Save(path);
        using var model = OnnxTorchModel.Load(path);
        foreach (long largest in new long[] { 3, 5, 2 })
        {
            using var x = tensor(new long[] { 1, largest, 0, 1, 1, 0 }, [2, 3]);
            using var forward = model.Forward(x, new ForwardRequest(["zeros"], Gradients: false));
            Assert.Equal([largest], forward["zeros"].shape);
        }
    }

    [Fact]
    public void A_negative_token_id_counts_from_the_end_of_the_vocabulary()
    {
        // ONNX's Gather reads index -1 as the last row, as ONNX Runtime does.
        var fixture = TorchFixture.Find("text_bilstm.onnx");
        using var model = OnnxTorchModel.Load(fixture.ModelPath);
        var embedding = model.Source.Graph.Nodes.First(n => n.OpType == "Gather").Outputs[0];
        using var negative = tensor(new long[] { -1, -40, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21 }, [1, 12]);
        using var positive = tensor(new long[] { 39, 0, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21 }, [1, 12]);
        using var fromNegative = model.Forward(negative, new ForwardRequest([embedding, "output"], Gradients: false));
        using var fromPositive = model.Forward(positive, new ForwardRequest([embedding, "output"], Gradients: false));
        Assert.True(fromNegative[embedding].equal(fromPositive[embedding]).all().item<bool>());
        Assert.True(fromNegative["output"].equal(fromPositive["output"]).all().item<bool>());
    }

    [OnnxFact("seq_lstm.onnx")]
    public void A_module_scope_names_the_same_tensor_as_in_capture()
    {
        using var model = OnnxTorchModel.Load(TestData.OnnxFile("seq_lstm.onnx"));
        var input = NpyReader.Read(TestData.OnnxFile("seq_lstm_input.npy"));
        using var forward = model.Forward(OrtReference.Rows(input, (int)input.Shape[0]), new ForwardRequest(["lstm", "/lstm/Transpose_1_output_0"], Gradients: false));
        var reference = NpyReader.Read(TestData.OnnxFile("seq_lstm_ref_lstm.npy")).ToFloat64();
        Assert.Equal(new long[] { 16, 25, 20 }, forward["lstm"].shape);
        Assert.True(OrtReference.RelativeDifference(OrtReference.ToDoubles(forward["lstm"]), reference) < 1e-5);
        Assert.Equal(OrtReference.ToDoubles(forward["lstm"]), OrtReference.ToDoubles(forward["/lstm/Transpose_1_output_0"]));
    }

    [Fact]
    public void An_uncovered_operator_is_refused_at_load_naming_node_scope_and_the_covered_list()
    {
        var error = Assert.Throws<UnsupportedOnnxOperatorException>(() => OnnxTorchModel.Load(TorchFixture.PathOf("bad_unsupported.onnx")));
        Assert.Equal("Hardmax", error.OpType);
        Assert.Equal("/enc/head/Hardmax", error.Node);
        Assert.Equal("/enc/head", error.Scope);
        Assert.Contains("LSTM", error.Covered);
        Assert.Contains("module scope '/enc/head'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Conv, ConvTranspose", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_reading_a_tensor_nobody_produces_is_a_typed_error_naming_it()
    {
        var error = Assert.Throws<MalformedOnnxGraphException>(() => OnnxTorchModel.Load(TorchFixture.PathOf("bad_dangling.onnx")));
        Assert.Equal("/head/Add", error.Node);
        Assert.Contains("'bias'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cycle_is_a_typed_error_naming_its_nodes()
    {
        var error = Assert.Throws<MalformedOnnxGraphException>(() => OnnxTorchModel.Load(TorchFixture.PathOf("bad_cycle.onnx")));
        Assert.Equal("/loop/First", error.Node);
        Assert.Contains("'/loop/Second'", error.Message, StringComparison.Ordinal);
        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_input_shape_or_type_is_a_typed_error_naming_the_input()
    {
        using var model = OnnxTorchModel.Load(TorchFixture.Find("resnet_cnn.onnx").ModelPath);
        var shape = Assert.Throws<OnnxTorchInputException>(() => model.Forward(zeros(2, 3, 16), ForwardRequest.Of("output")));
        Assert.Equal("input", shape.Input);
        Assert.Contains("[batch, 3, 16, 16]", shape.Message, StringComparison.Ordinal);
        var type = Assert.Throws<OnnxTorchInputException>(() => model.Forward(zeros([2, 3, 16, 16], ScalarType.Int64), ForwardRequest.Of("output")));
        Assert.Contains("floating-point", type.Message, StringComparison.Ordinal);

        using var text = OnnxTorchModel.Load(TorchFixture.Find("text_gru.onnx").ModelPath);
        var tokens = Assert.Throws<OnnxTorchInputException>(() => text.Forward(zeros(2, 12), ForwardRequest.Of("output")));
        Assert.Contains("int64", tokens.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shape_that_does_not_fit_names_the_node()
    {
        // Token ids past the vocabulary: the embedding Gather fails, and the error says which node and inputs.
        using var text = OnnxTorchModel.Load(TorchFixture.Find("text_gru.onnx").ModelPath);
        var error = Assert.Throws<OnnxNodeFailedException>(() => text.Forward(full([2, 12], 99L, ScalarType.Int64), ForwardRequest.Of("output")));
        Assert.Equal("Gather", error.OpType);
        Assert.StartsWith("/emb/", error.Node, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weight_whose_shape_does_not_fit_names_the_node_and_the_shapes_it_met()
    {
        using var model = OnnxTorchModel.Load(TorchFixture.PathOf("bad_shapes.onnx"));
        var error = Assert.Throws<OnnxNodeFailedException>(() => model.Forward(ones(2, 3), ForwardRequest.Of("y")));
        Assert.Equal("/head/MatMul", error.Node);
        Assert.Equal("MatMul", error.OpType);
        Assert.Contains("[2, 3]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 3]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad_lstm_width.onnx")]      // libtorch's fused kernel
    [InlineData("bad_lstm_width_clip.onnx")] // the stepped equations
    public void A_recurrent_weight_that_does_not_fit_its_input_names_the_node(string model)
    {
        // W expects 4 features per step and gets 3: refused by the LSTM with the shapes, not a crashed process.
        using var lstm = OnnxTorchModel.Load(TorchFixture.PathOf(model));
        var error = Assert.Throws<OnnxNodeFailedException>(() => lstm.Forward(zeros(2, 3), new ForwardRequest(["y"], Gradients: false)));
        Assert.Equal("/enc/LSTM", error.Node);
        Assert.Contains("3 features", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_or_unknown_input_is_a_typed_error_naming_it()
    {
        using var model = OnnxTorchModel.Load(TorchFixture.Find("resnet_cnn.onnx").ModelPath);
        var missing = Assert.Throws<OnnxTorchInputException>(() => model.Forward(new Dictionary<string, Tensor>(), ForwardRequest.Of("output")));
        Assert.Equal("input", missing.Input);
        Assert.Contains("[batch, 3, 16, 16]", missing.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<OnnxTorchInputException>(() => model.Forward(
            new Dictionary<string, Tensor> { ["input"] = zeros(1, 3, 16, 16), ["pixels"] = zeros(1) }, ForwardRequest.Of("output")));
        Assert.Equal("pixels", unknown.Input);
        Assert.Contains("input", unknown.Message, StringComparison.Ordinal);
    }

    private static void AssertEveryTensorMatchesOrt(string modelPath, string inputPath, int batch)
    {
        var onnx = OnnxModel.Open(modelPath);
        var input = NpyReader.Read(inputPath);
        var expected = OrtReference.AllTensors(onnx, input, batch);
        using var model = OnnxTorchModel.Load(onnx);
        var names = expected.Keys.ToList();
        using var forward = model.Forward(OrtReference.Rows(input, batch), new ForwardRequest(names, Gradients: false));
        Assert.True(names.Count > 3);
        foreach (var name in names)
        {
            var (shape, data) = expected[name];
            var actual = forward[name];
            Assert.True(shape.SequenceEqual(actual.shape), $"{name}: shape [{string.Join(", ", actual.shape)}], ONNX Runtime [{string.Join(", ", shape)}]");
            if (data is float[] floats)
            {
                double difference = OrtReference.RelativeDifference(OrtReference.ToDoubles(actual), floats.Select(f => (double)f).ToArray());
                Assert.True(difference <= IntermediateTolerance, $"{name} differs from ONNX Runtime by {difference:E2} (relative)");
            }
            else
            {
                var expectedValues = data.Cast<object>().Select(Convert.ToInt64).ToArray();
                Assert.Equal(expectedValues, actual.to_type(ScalarType.Int64).flatten().data<long>().ToArray());
            }
        }
    }

    /// <summary>Central differences in float64 on a spread of input coordinates, with respect to the float input or,
    /// for token-id models, to the embedding output (perturbed through <see cref="ForwardRequest.Overrides"/>).</summary>
    private static void AssertGradientMatchesFiniteDifferences(string modelPath, NpyArray input, string? wrt)
    {
        using var model = OnnxTorchModel.Load(modelPath, new OnnxTorchOptions { DoublePrecision = true });
        var x = OrtReference.Rows(input, 3);
        var inputs = new Dictionary<string, Tensor> { [model.InputNames[0]] = x };
        var selector = GradientSelector.Unit(0);
        using var gradient = model.InputGradient(inputs, "output", selector, wrt);
        var analytic = OrtReference.ToDoubles(gradient);

        // The point to perturb: the input itself, or the embedding output it leads to.
        Tensor point;
        using (var forward = model.Forward(inputs, new ForwardRequest([wrt ?? model.InputNames[0]], Gradients: false)))
            point = forward[wrt ?? model.InputNames[0]].detach().to_type(ScalarType.Float64).clone();
        double Evaluate(Tensor at)
        {
            var request = wrt is null
                ? new ForwardRequest(["output"], Gradients: false)
                : new ForwardRequest(["output"], Gradients: false, Overrides: new Dictionary<string, Tensor> { [wrt] = at });
            using var f = wrt is null ? model.Forward(at, request) : model.Forward(inputs, request);
            return selector.Reduce(f["output"]).item<double>();
        }

        var flat = point.flatten();
        long count = flat.numel();
        const double h = 1e-6;
        foreach (long index in Enumerable.Range(0, 12).Select(i => i * (count - 1) / 11).Distinct())
        {
            var plus = flat.clone(); plus[index] = plus[index] + h;
            var minus = flat.clone(); minus[index] = minus[index] - h;
            double numeric = (Evaluate(plus.reshape(point.shape)) - Evaluate(minus.reshape(point.shape))) / (2 * h);
            double scale = Math.Max(1e-3, analytic.Max(Math.Abs));
            Assert.True(Math.Abs(numeric - analytic[index]) <= 1e-6 * scale,
                $"coordinate {index}: autograd {analytic[index]:G10}, finite difference {numeric:G10}");
        }
    }
}
