using LayerScope.Onnx.Proto;
using Microsoft.ML.OnnxRuntime;

namespace LayerScope.Onnx;

/// <summary>Moves arrays in and out of ONNX Runtime values. ONNX Runtime's element type numbers are ONNX's.</summary>
internal static class OrtTensors
{
    /// <summary>An ONNX Runtime tensor over <paramref name="data"/> (pinned, not copied).</summary>
    public static OrtValue FromArray(Array data, long[] shape) => data switch
    {
        float[] a => OrtValue.CreateTensorValueFromMemory(a, shape),
        double[] a => OrtValue.CreateTensorValueFromMemory(a, shape),
        long[] a => OrtValue.CreateTensorValueFromMemory(a, shape),
        int[] a => OrtValue.CreateTensorValueFromMemory(a, shape),
        short[] a => OrtValue.CreateTensorValueFromMemory(a, shape),
        sbyte[] a => OrtValue.CreateTensorValueFromMemory(a, shape),
        byte[] a => OrtValue.CreateTensorValueFromMemory(a, shape),
        bool[] a => OrtValue.CreateTensorValueFromMemory(a, shape),
        _ => throw new ArgumentException($"No ONNX tensor for {data.GetType().Name}.", nameof(data)),
    };

    /// <summary>A zero-filled array of <paramref name="count"/> elements of <paramref name="type"/>, or null when
    /// LayerScope cannot build one (strings, float16).</summary>
    public static Array? Zeros(TensorElementType type, long count) => type switch
    {
        TensorElementType.Float => new float[count],
        TensorElementType.Double => new double[count],
        TensorElementType.Int64 => new long[count],
        TensorElementType.Int32 => new int[count],
        TensorElementType.Int16 => new short[count],
        TensorElementType.Int8 => new sbyte[count],
        TensorElementType.UInt8 => new byte[count],
        TensorElementType.Bool => new bool[count],
        _ => null,
    };

    /// <summary>A copy of a tensor's values as a flat array of its element type.</summary>
    public static Array ToArray(OrtValue value) => ElementType(value) switch
    {
        TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray(),
        TensorElementType.Double => value.GetTensorDataAsSpan<double>().ToArray(),
        TensorElementType.Int64 => value.GetTensorDataAsSpan<long>().ToArray(),
        TensorElementType.Int32 => value.GetTensorDataAsSpan<int>().ToArray(),
        TensorElementType.Int16 => value.GetTensorDataAsSpan<short>().ToArray(),
        TensorElementType.Int8 => value.GetTensorDataAsSpan<sbyte>().ToArray(),
        TensorElementType.UInt8 => value.GetTensorDataAsSpan<byte>().ToArray(),
        TensorElementType.Bool => value.GetTensorDataAsSpan<bool>().ToArray(),
        var other => throw new LayerScope.Errors.LayerScopeException(
            $"A tensor holds {OnnxElementTypes.Name(other)} values; LayerScope captures float32, float64, integer and bool tensors only."),
    };

    public static TensorElementType ElementType(OrtValue value) => (TensorElementType)(int)value.GetTensorTypeAndShape().ElementDataType;

    public static long[] Shape(OrtValue value) => value.GetTensorTypeAndShape().Shape;

    /// <summary>The element type of a session input or output.</summary>
    public static TensorElementType ElementType(NodeMetadata metadata) =>
        metadata.IsTensor ? (TensorElementType)(int)metadata.ElementDataType : TensorElementType.Undefined;
}
