using LayerScope.Onnx.Proto;
using LayerScope.Storage.Npy;

namespace LayerScope.Onnx;

/// <summary>Names and conversions between ONNX element types and NPY element types.</summary>
public static class OnnxElementTypes
{
    /// <summary>The NumPy-style name ("float32", "int64"), "?" when undefined.</summary>
    public static string Name(TensorElementType type) => type switch
    {
        TensorElementType.Undefined => "?",
        TensorElementType.Float => "float32",
        TensorElementType.Double => "float64",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Bool => "bool",
        TensorElementType.String => "string",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>The NumPy-style name of an NPY element type.</summary>
    public static string Name(NpyElementType type) => type.ToString().ToLowerInvariant();

    /// <summary>The NPY element type holding the same values, or null when NPY output does not support it.</summary>
    public static NpyElementType? ToNpy(TensorElementType type) => type switch
    {
        TensorElementType.Float => NpyElementType.Float32,
        TensorElementType.Double => NpyElementType.Float64,
        TensorElementType.Int64 => NpyElementType.Int64,
        TensorElementType.Int32 => NpyElementType.Int32,
        TensorElementType.Int16 => NpyElementType.Int16,
        TensorElementType.Int8 => NpyElementType.Int8,
        TensorElementType.UInt8 => NpyElementType.UInt8,
        TensorElementType.Bool => NpyElementType.Bool,
        _ => null,
    };
}
