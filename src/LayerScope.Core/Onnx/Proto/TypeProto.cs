namespace LayerScope.Onnx.Proto;

/// <summary>onnx.TypeProto, reduced to tensors: the element type and the shape. Other kinds (sequence, map,
/// optional, sparse tensor) are named by <see cref="Kind"/> only.</summary>
public sealed class TypeProto
{
    public const int TensorTypeField = 1;
    public const int SequenceTypeField = 4;
    public const int MapTypeField = 5;
    public const int DenotationField = 6;
    public const int SparseTensorTypeField = 8;
    public const int OptionalTypeField = 9;

    /// <summary>TypeProto.Tensor.elem_type.</summary>
    public const int TensorElemTypeField = 1;

    /// <summary>TypeProto.Tensor.shape.</summary>
    public const int TensorShapeField = 2;

    private TypeProto(string kind, TensorElementType elementType, TensorShapeProto? shape)
    {
        Kind = kind;
        ElementType = elementType;
        Shape = shape;
    }

    /// <summary>"tensor", "sequence", "map", "optional", "sparse_tensor" or "unknown".</summary>
    public string Kind { get; }

    public TensorElementType ElementType { get; }

    /// <summary>The shape; null when unknown (not even the rank).</summary>
    public TensorShapeProto? Shape { get; }

    public static TypeProto Parse(ReadOnlyMemory<byte> encoded)
    {
        var fields = ProtoWire.Split(encoded);
        ProtoWire.RequireWireType(fields, TensorTypeField, "TypeProto.tensor_type", Google.Protobuf.WireFormat.WireType.LengthDelimited);
        var tensor = fields.LastOrDefault(f => f.Number == TensorTypeField);
        if (tensor.Encoded.Length == 0)
        {
            string kind = fields.Select(f => f.Number).FirstOrDefault(n => n != DenotationField) switch
            {
                SequenceTypeField => "sequence",
                MapTypeField => "map",
                OptionalTypeField => "optional",
                SparseTensorTypeField => "sparse_tensor",
                _ => "unknown",
            };
            return new TypeProto(kind, TensorElementType.Undefined, null);
        }
        var tensorFields = ProtoWire.Split(tensor.Payload);
        var shapes = ProtoWire.Messages(tensorFields, TensorShapeField, TensorShapeProto.Parse);
        return new TypeProto("tensor", (TensorElementType)ProtoWire.LastVarint(tensorFields, TensorElemTypeField), shapes.Count == 0 ? null : shapes[^1]);
    }
}
