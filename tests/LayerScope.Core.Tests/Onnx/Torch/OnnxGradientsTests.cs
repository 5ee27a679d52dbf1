using LayerScope.Errors;
using LayerScope.Gradients;
using LayerScope.Onnx;
using LayerScope.Onnx.Torch;
using LayerScope.Storage.Npy;
using LayerScope.Testing;
using static TorchSharp.torch;

namespace LayerScope.Tests.Onnx.Torch;

/// <summary><see cref="OnnxGradients"/>: per-row gradients written to one .npy, checked against central finite
/// differences of each row on its own (so batching cannot mix rows) and against torch.autograd.grad.</summary>
public sealed class OnnxGradientsTests
{
    private static readonly OnnxTorchOptions Float64 = new() { DoublePrecision = true };

    [Fact]
    public void The_gradient_of_a_float_input_model_equals_finite_differences_row_by_row()
    {
        var fixture = TorchFixture.Find("conv1d.onnx");
        using var folder = new TemporaryFolder();
        using var model = OnnxTorchModel.Load(fixture.ModelPath, Float64);
        var result = OnnxGradients.Run(model, Options(fixture, folder, "output") with { BatchSize = 3 });

        Assert.Equal(OnnxGradientSource.Input, result.WrtKind);
        Assert.Equal("float64", result.Precision);
        var written = NpyReader.Read(result.OutputPath);
        Assert.Equal(NpyElementType.Float64, written.ElementType);
        Assert.Equal(NpyReader.Read(TorchFixture.PathOf(fixture.Input)).Shape, written.Shape);
        AssertRowsMatchFiniteDifferences(model, fixture, written, "output", GradientSelector.Sum, wrt: null);
    }

    [Fact]
    public void A_unit_is_the_gradient_of_that_column_alone()
    {
        var fixture = TorchFixture.Find("resnet_cnn.onnx");
        using var folder = new TemporaryFolder();
        using var model = OnnxTorchModel.Load(fixture.ModelPath, Float64);

        // Unit 0 against PyTorch's own autograd of output[:, 0].sum(), saved beside the model.
        var first = NpyReader.Read(OnnxGradients.Run(model, Options(fixture, folder, "output") with { Unit = 0, BatchSize = 4 }).OutputPath);
        var reference = NpyReader.Read(TorchFixture.PathOf(fixture.Grad!));
        Assert.Equal(reference.Shape, first.Shape);
        double difference = OrtReference.RelativeDifference(first.ToFloat64(), reference.ToFloat64());
        Assert.True(difference < 1e-7, $"unit 0 differs from torch.autograd.grad by {difference:E2}");

        // Another unit against finite differences of that column.
        var third = NpyReader.Read(OnnxGradients.Run(model, Options(fixture, folder, "output") with { Unit = 2, OutputPath = folder.File("g2.npy") }).OutputPath);
        AssertRowsMatchFiniteDifferences(model, fixture, third, "output", GradientSelector.Unit(2), wrt: null);
        Assert.True(OrtReference.RelativeDifference(third.ToFloat64(), first.ToFloat64()) > 1e-2, "units 0 and 2 gave the same gradient");
    }

    [Fact]
    public void An_intermediate_source_gives_its_per_row_shape_and_matches_finite_differences_through_the_rest()
    {
        var fixture = TorchFixture.Find("conv1d.onnx");
        using var folder = new TemporaryFolder();
        using var model = OnnxTorchModel.Load(fixture.ModelPath, Float64);
        // A node name for the source and a module scope for the target, as `layers` lists them.
        var result = OnnxGradients.Run(model, Options(fixture, folder, "fc") with { Wrt = "/Mul", Unit = 1, BatchSize = 2 });

        Assert.Equal(OnnxGradientSource.NamedTensor, result.WrtKind);
        Assert.Equal("/Mul_output_0", result.Wrt.TensorName);
        Assert.Equal("/fc/Gemm_output_0", result.Of.TensorName);
        var written = NpyReader.Read(result.OutputPath);
        Assert.Equal(new long[] { 7, 8, 32 }, written.Shape);
        AssertRowsMatchFiniteDifferences(model, fixture, written, "/fc/Gemm_output_0", GradientSelector.Unit(1), wrt: "/Mul_output_0");
    }

    /// <summary>By default at the lookup itself; the LSTM's time-major copy of it, [T, batch, E], has the same
    /// gradient with its axes permuted back, so it must come out rows first.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("/lstm/Transpose_output_0")]
    public void Token_ids_are_differentiated_at_the_embedding_lookup(string? wrt)
    {
        var fixture = TorchFixture.Find("text_bilstm.onnx");
        using var folder = new TemporaryFolder();
        using var model = OnnxTorchModel.Load(fixture.ModelPath, Float64);
        var result = OnnxGradients.Run(model, Options(fixture, folder, "output") with { Unit = 0, Wrt = wrt, BatchSize = 3 });

        Assert.Equal(wrt is null ? OnnxGradientSource.EmbeddingLookup : OnnxGradientSource.NamedTensor, result.WrtKind);
        Assert.Equal(wrt ?? fixture.Wrt, result.Wrt.TensorName);
        var written = NpyReader.Read(result.OutputPath);
        Assert.Equal(new long[] { 7, 12, 10 }, written.Shape); // [N, T, E]
        var reference = NpyReader.Read(TorchFixture.PathOf(fixture.Grad!)).ToFloat64();
        double difference = OrtReference.RelativeDifference(written.ToFloat64(), reference);
        Assert.True(difference < 1e-7, $"differs from torch.autograd.grad by {difference:E2}");
    }

    [Fact]
    public void An_unknown_tensor_name_is_refused_with_suggestions_and_writes_nothing()
    {
        var fixture = TorchFixture.Find("conv1d.onnx");
        using var folder = new TemporaryFolder();
        using var model = OnnxTorchModel.Load(fixture.ModelPath);

        var of = Assert.Throws<UnknownOnnxLayerException>(() => OnnxGradients.Run(model, Options(fixture, folder, "outptu")));
        Assert.Contains("output", of.Closest);
        var wrt = Assert.Throws<UnknownOnnxLayerException>(() => OnnxGradients.Run(model, Options(fixture, folder, "output") with { Wrt = "/Mull" }));
        Assert.Contains("/Mul", wrt.Closest);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public void An_input_of_the_wrong_type_or_shape_is_refused_naming_the_input_and_writes_nothing()
    {
        var fixture = TorchFixture.Find("conv1d.onnx");
        using var folder = new TemporaryFolder();
        using var model = OnnxTorchModel.Load(fixture.ModelPath);
        var doubles = folder.File("doubles.npy");
        NpyWriter.Write(doubles, NpyArray.Create(new double[2 * 4 * 32], 2, 4, 32));
        var narrow = folder.File("narrow.npy");
        NpyWriter.Write(narrow, NpyArray.Create(new float[2 * 3 * 32], 2, 3, 32));

        foreach (var (file, found) in new[] { (doubles, "float64"), (narrow, "[2, 3, 32]") })
        {
            var error = Assert.Throws<DataFormatException>(() => OnnxGradients.Run(model, new OnnxGradientOptions
            {
                Inputs = [OnnxInputSource.FromFile(file)],
                Of = "output",
                OutputPath = folder.File("g.npy"),
            }));
            Assert.Equal(file, error.File);
            Assert.Contains("'input'", error.Field, StringComparison.Ordinal);
            Assert.Contains("[batch, 4, 32]", error.Expected, StringComparison.Ordinal);
            Assert.Contains(found, error.Actual, StringComparison.Ordinal);
        }
        Assert.False(File.Exists(folder.File("g.npy")));
        Assert.Equal(2, Directory.EnumerateFileSystemEntries(folder.Path).Count());
    }

    [Fact]
    public void Choices_without_a_per_row_gradient_are_refused_naming_the_setting()
    {
        var fixture = TorchFixture.Find("conv1d.onnx");
        using var folder = new TemporaryFolder();
        using var model = OnnxTorchModel.Load(fixture.ModelPath);

        var unit = Assert.Throws<InvalidSettingsException>(() => OnnxGradients.Run(model, Options(fixture, folder, "output") with { Unit = 3 }));
        Assert.Contains("OnnxGradientOptions.Unit is 3", unit.Message, StringComparison.Ordinal);
        // The first convolution is computed before the product: it does not depend on it.
        var before = Assert.Throws<InvalidSettingsException>(() => OnnxGradients.Run(model, Options(fixture, folder, "conv1") with { Wrt = "/Mul" }));
        Assert.Contains("is not computed from", before.Message, StringComparison.Ordinal);
        var integers = Assert.Throws<InvalidSettingsException>(() => OnnxGradients.Run(model, Options(fixture, folder, "/Gather_output_0")));
        Assert.Contains("holds integers", integers.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public void A_model_with_two_inputs_is_fed_one_file_per_input_and_differentiated_by_its_float_input()
    {
        using var folder = new TemporaryFolder();
        using var model = OnnxTorchModel.Load(TorchFixture.PathOf("two_inputs.onnx"));
        var options = new OnnxGradientOptions
        {
            // Given in the other order than the model declares them: names decide, not positions.
            Inputs = [OnnxInputSource.FromFile(TorchFixture.PathOf("two_inputs_tokens.npy"), "tokens"),
                OnnxInputSource.FromFile(TorchFixture.PathOf("two_inputs_features.npy"), "features")],
            Of = "output",
            Unit = 0,
            BatchSize = 3, // rows 0-2, 3-5, 6: batches that cut the file
            OutputPath = folder.File("g.npy"),
        };

        var result = OnnxGradients.Run(model, options);

        Assert.Equal(OnnxGradientSource.Input, result.WrtKind);
        Assert.Equal("features", result.Wrt.TensorName);
        var written = NpyReader.Read(options.OutputPath);
        var expected = NpyReader.Read(TorchFixture.PathOf("two_inputs_grad.npy"));
        Assert.Equal(expected.Shape, written.Shape);
        double difference = OrtReference.RelativeDifference(written.ToFloat64(), expected.ToFloat64());
        Assert.True(difference <= 1e-5, $"differs from PyTorch's gradient by {difference:E2} (relative)");

        // Without names the files cannot be matched to the inputs.
        var unnamed = Assert.Throws<InvalidSettingsException>(() => OnnxGradients.Run(model, options with
        {
            Inputs = [OnnxInputSource.FromFile(TorchFixture.PathOf("two_inputs_features.npy")), OnnxInputSource.FromFile(TorchFixture.PathOf("two_inputs_tokens.npy"))],
        }));
        Assert.Contains("OnnxInputSource.InputName", unnamed.Message, StringComparison.Ordinal);
    }

    private static OnnxGradientOptions Options(TorchFixture fixture, TemporaryFolder folder, string of) => new()
    {
        Inputs = [OnnxInputSource.FromFile(TorchFixture.PathOf(fixture.Input))],
        Of = of,
        OutputPath = folder.File("g.npy"),
    };

    /// <summary>Central differences (float64, h = 1e-6) of each row's own value, on that row alone, at a spread of
    /// coordinates of the input or, with <paramref name="wrt"/>, of that tensor (replaced through
    /// <see cref="ForwardRequest.Overrides"/>).</summary>
    private static void AssertRowsMatchFiniteDifferences(OnnxTorchModel model, TorchFixture fixture, NpyArray written, string of,
        GradientSelector selector, string? wrt)
    {
        var inputs = NpyReader.Read(TorchFixture.PathOf(fixture.Input));
        var gradients = written.ToFloat64();
        long perRow = gradients.Length / written.Shape[0];
        double scale = Math.Max(1e-3, gradients.Max(Math.Abs));
        string input = model.InputNames[0];
        foreach (int row in new[] { 0, 3, 6 })
        {
            var x = OrtReference.Rows(inputs, row + 1).narrow(0, row, 1);
            var feed = new Dictionary<string, Tensor> { [input] = x };
            Tensor point;
            using (var forward = model.Forward(feed, new ForwardRequest([wrt ?? input], Gradients: false)))
                point = forward[wrt ?? input].detach().to_type(ScalarType.Float64).clone();
            Assert.Equal(perRow, point.numel());
            double Value(Tensor at)
            {
                var request = new ForwardRequest([of], Gradients: false,
                    Overrides: wrt is null ? null : new Dictionary<string, Tensor> { [wrt] = at });
                using var f = model.Forward(wrt is null ? new Dictionary<string, Tensor> { [input] = at } : feed, request);
                return selector.Reduce(f[of]).item<double>();
            }
            var flat = point.flatten();
            const double h = 1e-6;
            foreach (long index in Enumerable.Range(0, 9).Select(i => i * (perRow - 1) / 8).Distinct())
            {
                var plus = flat.clone(); plus[index] = plus[index] + h;
                var minus = flat.clone(); minus[index] = minus[index] - h;
                double numeric = (Value(plus.reshape(point.shape)) - Value(minus.reshape(point.shape))) / (2 * h);
                double analytic = gradients[row * perRow + index];
                Assert.True(Math.Abs(numeric - analytic) <= 1e-6 * scale,
                    $"row {row}, coordinate {index}: written {analytic:G10}, finite difference {numeric:G10}");
            }
        }
    }
}
