using LayerScope.Capture;
using TorchSharp;

namespace LayerScope.Tests.Capture;

public class TensorValuesTests
{
    [Fact]
    public void Views_copy_their_own_values_in_row_major_order()
    {
        // [3, 4] holding 0 .. 11.
        using var grid = torch.arange(12, dtype: torch.ScalarType.Float32).reshape(3, 4);

        // Contiguous: the block copy.
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (float)i), TensorValues.ToFloats(grid));
        // A contiguous view that starts inside its storage (rows 1 and 2): the copy must start at the view's first
        // value, not at the storage's.
        using var rows = grid.narrow(0, 1, 2);
        Assert.Equal(Enumerable.Range(4, 8).Select(i => (float)i), TensorValues.ToFloats(rows));
        // Not contiguous (the transpose) and not float32: the values in the view's own order.
        using var transposed = grid.t();
        Assert.Equal(new float[] { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }, TensorValues.ToFloats(transposed));
        using var doubles = grid.to(torch.ScalarType.Float64);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (float)i), TensorValues.ToFloats(doubles));
    }
}
