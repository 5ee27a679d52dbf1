using LayerScope.Arrays;
using LayerScope.Onnx.Proto;
using Microsoft.ML.OnnxRuntime;

namespace LayerScope.Onnx;

/// <summary>
/// Finds the types and shapes the model does not declare by running it on zero-filled batches of 2 and 3 rows and
/// comparing: an axis that follows the batch size is shown as the batch symbol ("batch", or "batch*25" for an axis
/// that holds 25 entries per row).
/// </summary>
internal static class OnnxDryRun
{
    private static readonly int[] BatchSizes = [2, 3];

    public static IReadOnlyDictionary<string, OnnxTensorInfo> Run(OnnxModel model, IReadOnlyList<string> tensors)
    {
        InferenceSession session;
        try
        {
            session = model.CreateSession(tensors);
        }
        catch (OnnxModelFormatException error)
        {
            throw new OnnxDryRunException($"dry run impossible: {error.Problem}", error);
        }
        using (session)
        {
            var symbol = session.InputMetadata.Values
                .Select(m => m.SymbolicDimensions.Length > 0 ? m.SymbolicDimensions[0] : "")
                .FirstOrDefault(s => s.Length > 0) ?? "N";
            var outputNames = session.OutputNames.ToList();
            var runs = BatchSizes.Select(b => RunOnce(session, outputNames, b)).ToList();

            var result = new Dictionary<string, OnnxTensorInfo>(StringComparer.Ordinal);
            for (int o = 0; o < outputNames.Count; o++)
            {
                var (type, small) = runs[0][o];
                var (_, large) = runs[1][o];
                var shape = small.Length != large.Length
                    ? null
                    : small.Select((size, axis) => Dimension(size, large[axis], symbol)).ToList();
                result[outputNames[o]] = new OnnxTensorInfo(outputNames[o], type, shape, OnnxShapeSource.DryRun);
            }
            return result;
        }
    }

    /// <summary>The batch axis of a tensor seen at two batch sizes: the first axis whose size changed, or -1.</summary>
    public static int BatchAxis(long[] small, long[] large)
    {
        if (small.Length != large.Length) return -1;
        for (int axis = 0; axis < small.Length; axis++)
            if (small[axis] != large[axis]) return axis;
        return -1;
    }

    private static OnnxDimension Dimension(long small, long large, string symbol)
    {
        if (small == large) return OnnxDimension.Fixed(small);
        long perRow = small / BatchSizes[0];
        if (small % BatchSizes[0] == 0 && large == perRow * BatchSizes[1])
            return OnnxDimension.Symbolic(perRow == 1 ? symbol : $"{symbol}*{perRow}");
        return OnnxDimension.Symbolic("?");
    }

    private static List<(TensorElementType Type, long[] Shape)> RunOnce(InferenceSession session, List<string> outputNames, int batch)
    {
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var (name, metadata) in session.InputMetadata)
            {
                var type = OrtTensors.ElementType(metadata);
                // Axis 0 takes the batch size; other free axes (a sequence length) take 1.
                var shape = metadata.Dimensions.Select((d, axis) => d > 0 ? (long)d : axis == 0 ? batch : 1).ToArray();
                var zeros = OrtTensors.Zeros(type, Shapes.Product(shape))
                    ?? throw new OnnxDryRunException($"dry run impossible: input '{name}' is {OnnxElementTypes.Name(type)}, which LayerScope cannot fill.");
                names.Add(name);
                values.Add(OrtTensors.FromArray(zeros, shape));
            }
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, names, values, outputNames);
            return outputs.Select(v => v.IsTensor ? (OrtTensors.ElementType(v), OrtTensors.Shape(v)) : (TensorElementType.Undefined, Array.Empty<long>())).ToList();
        }
        catch (OnnxRuntimeException error)
        {
            throw new OnnxDryRunException($"dry run on a zero batch failed: {error.Message}", error);
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }
}

/// <summary>The dry run could not run; the layer table then shows unknown shapes and this message.</summary>
internal sealed class OnnxDryRunException : Exception
{
    public OnnxDryRunException(string message) : base(message) { }
    public OnnxDryRunException(string message, Exception inner) : base(message, inner) { }
}
