using LayerScope.Errors;
using LayerScope.Onnx;
using LayerScope.Storage.Npy;

namespace LayerScope.Tests.Onnx;

/// <summary>ONNX capture keeps one entry per input row; a tensor whose rows are not on a stackable axis is refused with
/// its name, never truncated or mixed across rows (models from Fixtures/make_batch_axis_models.py).</summary>
public class OnnxBatchAxisTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Onnx", "Fixtures", name);

    private static OnnxCaptureResult Capture(string model, string layer, int rows, int batchSize = 256)
    {
        var x = NpyArray.Create(Enumerable.Range(0, rows * 3).Select(i => (float)(i % 7) - 2).ToArray(), rows, 3);
        return OnnxActivationCapture.Run(OnnxModel.Open(Fixture(model)), new OnnxCaptureOptions
        {
            Layers = [layer],
            Inputs = [OnnxInputSource.FromArray(x)],
            BatchSize = batchSize,
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void A_per_row_tensor_keeps_every_row_whatever_the_row_count(int rows)
    {
        var result = Capture("batch_axis_dynamic.onnx", "relu", rows, batchSize: 2);

        var values = result.Layers[0].ToFloat32Array();
        Assert.Equal([rows, 3], values.Shape);
        for (int i = 0; i < rows * 3; i++) Assert.Equal(Math.Max(0, (float)(i % 7) - 2), values.Values[i]);
    }

    [Fact]
    public void With_one_row_a_flatten_over_rows_is_that_row()
    {
        // Flatten(axis=0) of one row [1, 3] is [1, 3]: the same values as the row itself, so it is faithful to keep it.
        Assert.Equal(Capture("batch_axis_dynamic.onnx", "relu", 1).Layers[0].ToFloat32Array().Values,
            Capture("batch_axis_dynamic.onnx", "flat", 1).Layers[0].ToFloat32Array().Values);
    }

    [Theory]
    [InlineData("flat", 2)]
    [InlineData("flat", 5)]
    [InlineData("total", 1)]
    [InlineData("total", 2)]
    [InlineData("total", 5)]
    public void A_tensor_without_a_per_row_axis_is_refused_naming_it(string layer, int rows)
    {
        var error = Assert.Throws<LayerScopeException>(() => Capture("batch_axis_dynamic.onnx", layer, rows));

        Assert.Contains($"'{layer}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_fixed_batch_a_tensor_whose_first_axis_is_the_batch_is_captured_row_by_row()
    {
        var result = Capture("batch_axis_fixed.onnx", "relu", rows: 6);

        Assert.Equal([6, 3], result.Layers[0].ToFloat32Array().Shape);
    }

    [Fact]
    public void With_a_fixed_batch_a_transposed_tensor_is_refused_naming_it()
    {
        var error = Assert.Throws<LayerScopeException>(() => Capture("batch_axis_fixed.onnx", "transposed", rows: 6));

        Assert.Contains("'transposed'", error.Message, StringComparison.Ordinal);
        Assert.Contains("fixed at 4", error.Message, StringComparison.Ordinal);
    }
}
