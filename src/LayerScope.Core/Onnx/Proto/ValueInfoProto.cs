namespace LayerScope.Onnx.Proto;

/// <summary>onnx.ValueInfoProto: a named value and, when known, its type and shape.</summary>
public sealed class ValueInfoProto
{
    public const int NameField = 1;
    public const int TypeField = 2;
    public const int DocStringField = 3;

    private ValueInfoProto(string name, TypeProto? type)
    {
        Name = name;
        Type = type;
    }

    public string Name { get; }

    /// <summary>The type; null when the model does not say.</summary>
    public TypeProto? Type { get; }

    public static ValueInfoProto Parse(ReadOnlyMemory<byte> encoded)
    {
        var fields = ProtoWire.Split(encoded);
        var types = ProtoWire.Messages(fields, TypeField, TypeProto.Parse);
        return new ValueInfoProto(ProtoWire.LastString(fields, NameField), types.Count == 0 ? null : types[^1]);
    }

    /// <summary>Encodes a ValueInfoProto naming <paramref name="name"/>, with a tensor type of
    /// <paramref name="elementType"/> when it is known (no shape: ONNX Runtime infers it).</summary>
    public static byte[] Encode(string name, TensorElementType elementType)
    {
        var parts = new List<ReadOnlyMemory<byte>> { ProtoWire.EncodeString(NameField, name) };
        if (elementType != TensorElementType.Undefined)
        {
            var tensorType = ProtoWire.EncodeVarint(TypeProto.TensorElemTypeField, (long)elementType);
            var type = ProtoWire.EncodeLengthDelimited(TypeProto.TensorTypeField, tensorType);
            parts.Add(ProtoWire.EncodeLengthDelimited(TypeField, type));
        }
        return ProtoWire.Concat(parts);
    }
}
