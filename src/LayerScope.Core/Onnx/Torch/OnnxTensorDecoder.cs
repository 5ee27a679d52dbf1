using System.Runtime.InteropServices;
using LayerScope.Onnx.Proto;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Onnx.Torch;

/// <summary>
/// Turns an ONNX TensorProto (an initializer or a Constant's value) into a libtorch tensor. Values come from
/// raw_data, the typed repeated fields, or an external data file beside the model. Floating-point values are
/// converted to the executor's compute type, so a float64 run sees float64 weights.
/// </summary>
internal static class OnnxTensorDecoder
{
    /// <param name="tensor">The proto.</param>
    /// <param name="floatType">The compute type for floating-point tensors (float32 or float64).</param>
    /// <param name="modelFolder">Where external data files are; null when the proto comes from an attribute.</param>
    /// <param name="modelFile">The model file, for messages.</param>
    public static Tensor Decode(TensorProto tensor, ScalarType floatType, string? modelFolder, string modelFile)
    {
        var dims = tensor.Dims.ToArray();
        long count = dims.Aggregate(1L, (a, b) => a * b);
        var raw = RawBytes(tensor, modelFolder, modelFile);
        var fields = tensor.Fields;
        Tensor result = tensor.DataType switch
        {
            TensorElementType.Float => raw is not null
                ? torch.tensor(MemoryMarshal.Cast<byte, float>(raw).ToArray(), dims)
                : torch.tensor(ProtoWire.Floats(fields, TensorProto.FloatDataField).ToArray(), dims),
            TensorElementType.Double => raw is not null
                ? torch.tensor(MemoryMarshal.Cast<byte, double>(raw).ToArray(), dims)
                : torch.tensor(ProtoWire.Doubles(fields, TensorProto.DoubleDataField).ToArray(), dims),
            TensorElementType.Float16 => torch.tensor(Halves(raw, fields), dims),
            TensorElementType.Int64 => raw is not null
                ? torch.tensor(MemoryMarshal.Cast<byte, long>(raw).ToArray(), dims)
                : torch.tensor(ProtoWire.Int64s(fields, TensorProto.Int64DataField).ToArray(), dims),
            TensorElementType.Int32 => raw is not null
                ? torch.tensor(MemoryMarshal.Cast<byte, int>(raw).ToArray(), dims)
                : torch.tensor(Int32Data(fields).Select(v => (int)v).ToArray(), dims),
            TensorElementType.Int16 => raw is not null
                ? torch.tensor(MemoryMarshal.Cast<byte, short>(raw).ToArray(), dims)
                : torch.tensor(Int32Data(fields).Select(v => (short)v).ToArray(), dims),
            TensorElementType.Int8 => raw is not null
                ? torch.tensor(MemoryMarshal.Cast<byte, sbyte>(raw).ToArray(), dims)
                : torch.tensor(Int32Data(fields).Select(v => (sbyte)v).ToArray(), dims),
            TensorElementType.UInt8 => raw is not null
                ? torch.tensor(raw.ToArray(), dims)
                : torch.tensor(Int32Data(fields).Select(v => (byte)v).ToArray(), dims),
            TensorElementType.Bool => raw is not null
                ? torch.tensor(raw.Select(b => b != 0).ToArray(), dims)
                : torch.tensor(Int32Data(fields).Select(v => v != 0).ToArray(), dims),
            var other => throw new OnnxModelFormatException(modelFile,
                $"tensor '{tensor.Name}' holds {OnnxElementTypes.Name(other)} values; the TorchSharp executor reads float16/32/64, "
                + "int8/16/32/64, uint8 and bool tensors."),
        };
        if (result.numel() != count)
        {
            long found = result.numel();
            result.Dispose();
            throw new OnnxModelFormatException(modelFile,
                $"tensor '{tensor.Name}' declares dims [{string.Join(", ", dims)}] ({count} values) but holds {found} values.");
        }
        if (result.is_floating_point() && result.dtype != floatType)
        {
            var converted = result.to_type(floatType);
            result.Dispose();
            result = converted;
        }
        return result;
    }

    /// <summary>The TorchSharp element type an ONNX element type computes in.</summary>
    public static ScalarType? ScalarTypeOf(TensorElementType type, ScalarType floatType) => type switch
    {
        TensorElementType.Float or TensorElementType.Double or TensorElementType.Float16 or TensorElementType.BFloat16 => floatType,
        TensorElementType.Int64 => ScalarType.Int64,
        TensorElementType.Int32 => ScalarType.Int32,
        TensorElementType.Int16 => ScalarType.Int16,
        TensorElementType.Int8 => ScalarType.Int8,
        TensorElementType.UInt8 => ScalarType.Byte,
        TensorElementType.Bool => ScalarType.Bool,
        _ => null,
    };

    private static IReadOnlyList<long> Int32Data(IReadOnlyList<ProtoField> fields) => ProtoWire.Int64s(fields, TensorProto.Int32DataField);

    // float16 values sit in raw_data, or one per int32_data entry (the low 16 bits).
    private static float[] Halves(byte[]? raw, IReadOnlyList<ProtoField> fields) => raw is not null
        ? MemoryMarshal.Cast<byte, Half>(raw).ToArray().Select(h => (float)h).ToArray()
        : Int32Data(fields).Select(v => (float)BitConverter.UInt16BitsToHalf((ushort)v)).ToArray();

    private static byte[]? RawBytes(TensorProto tensor, string? modelFolder, string modelFile)
    {
        if (tensor.IsExternal)
        {
            if (modelFolder is null)
                throw new OnnxModelFormatException(modelFile, $"tensor '{tensor.Name}' keeps its values in an external file, which only initializers may do.");
            var location = tensor.ExternalLocationPath ?? "";
            long offset = long.TryParse(tensor.ExternalData.LastOrDefault(e => e.Key == "offset")?.Value, out var o) ? o : 0;
            long? length = long.TryParse(tensor.ExternalData.LastOrDefault(e => e.Key == "length")?.Value, out var l) ? l : null;
            using var stream = File.OpenRead(Path.Combine(modelFolder, location));
            long available = stream.Length - offset;
            long size = length ?? available;
            if (offset < 0 || size < 0 || size > available)
                throw new OnnxModelFormatException(modelFile,
                    $"initializer '{tensor.Name}' reads {size} bytes at offset {offset} of '{location}', which holds {stream.Length} bytes.");
            var bytes = new byte[size];
            stream.Position = offset;
            stream.ReadExactly(bytes);
            return bytes;
        }
        var field = tensor.Fields.LastOrDefault(f => f.Number == TensorProto.RawDataField);
        return field.Encoded.Length > 0 ? field.Payload.ToArray() : null;
    }
}
