using LayerScope.Arrays;
using LayerScope.Errors;
using LayerScope.Onnx.Proto;
using LayerScope.Storage.Npy;

namespace LayerScope.Onnx;

/// <summary>
/// Appends one tensor's per-batch values to an NPY file, batch axis first. The file is created at the first batch,
/// when the element type and the other axes are known; later batches must agree with them.
/// </summary>
internal sealed class CapturedTensorWriter : IDisposable
{
    private NpyAppendWriter? _writer;
    private long[]? _trailing;

    public CapturedTensorWriter(string tensorName, string path, int batchAxis, int rowsPerSample)
    {
        TensorName = tensorName;
        Path = path;
        BatchAxis = batchAxis;
        RowsPerSample = rowsPerSample;
    }

    public string TensorName { get; }
    public string Path { get; }

    /// <summary>The axis of the computed tensor that follows the batch.</summary>
    public int BatchAxis { get; }

    /// <summary>Entries along the batch axis per input row (1, or T for a [batch*T, ...] tensor).</summary>
    public int RowsPerSample { get; }

    public NpyElementType? ElementType { get; private set; }

    /// <summary>The written shape: rows, then the other axes.</summary>
    public long[] Shape => [_writer?.Rows ?? 0, .. _trailing ?? []];

    /// <summary>Appends the first <paramref name="validRows"/> input rows' values of a batch.</summary>
    public void Append(TensorElementType type, long[] shape, Array data, int validRows)
    {
        switch (data)
        {
            case float[] a: Append<float>(type, shape, a, validRows); break;
            case double[] a: Append<double>(type, shape, a, validRows); break;
            case long[] a: Append<long>(type, shape, a, validRows); break;
            case int[] a: Append<int>(type, shape, a, validRows); break;
            case short[] a: Append<short>(type, shape, a, validRows); break;
            case sbyte[] a: Append<sbyte>(type, shape, a, validRows); break;
            case byte[] a: Append<byte>(type, shape, a, validRows); break;
            case bool[] a: Append<bool>(type, shape, a, validRows); break;
            default: throw new ArgumentException($"No NPY type for {data.GetType().Name}.", nameof(data));
        }
    }

    public void Append<T>(TensorElementType type, long[] shape, ReadOnlySpan<T> data, int validRows) where T : unmanaged
    {
        if (shape.Length <= BatchAxis)
            throw new LayerScopeException($"Tensor '{TensorName}' changed rank between batches ({OnnxInputBinding.FormatShape(shape)}).");
        long[] trailing = [.. shape.Take(BatchAxis), .. shape.Skip(BatchAxis + 1)];
        if (_writer is null)
        {
            var npyType = OnnxElementTypes.ToNpy(type)
                ?? throw new LayerScopeException($"Tensor '{TensorName}' holds {OnnxElementTypes.Name(type)} values; LayerScope writes "
                    + "float32, float64, integer and bool tensors only.");
            ElementType = npyType;
            _trailing = trailing;
            _writer = new NpyAppendWriter(Path, npyType, trailing);
        }
        else if (!trailing.SequenceEqual(_trailing!))
        {
            throw new LayerScopeException($"Tensor '{TensorName}' has shape {OnnxInputBinding.FormatShape(shape)} in this batch, but "
                + $"{OnnxInputBinding.FormatShape(_trailing!)} besides the batch axis before; rows of different batches cannot be stacked.");
        }

        long keep = (long)validRows * RowsPerSample;
        if (BatchAxis == 0)
        {
            long inner = Shapes.Product(trailing);
            _writer.Append(data[..checked((int)(keep * inner))]);
            return;
        }

        // The batch axis is inside (a raw ONNX LSTM output is [time, directions, batch, hidden]): write it first, so
        // batches stack along axis 0 like every other capture.
        long outer = Shapes.Product(shape.Take(BatchAxis));
        long innerSize = Shapes.Product(shape.Skip(BatchAxis + 1));
        long batchSize = shape[BatchAxis];
        var moved = new T[keep * outer * innerSize];
        for (long b = 0; b < keep; b++)
            for (long o = 0; o < outer; o++)
                data.Slice(checked((int)((o * batchSize + b) * innerSize)), (int)innerSize)
                    .CopyTo(moved.AsSpan(checked((int)((b * outer + o) * innerSize)), (int)innerSize));
        _writer.Append<T>(moved);
    }

    /// <summary>Finishes the file (writes the final row count into the header).</summary>
    public void Complete() => _writer?.Complete();

    public void Dispose() => _writer?.Dispose();
}
