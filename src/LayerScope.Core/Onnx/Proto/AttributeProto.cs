namespace LayerScope.Onnx.Proto;

/// <summary>onnx.AttributeProto, reduced to what LayerScope reads: the name, the type, scalar, list and tensor
/// values, and subgraphs (If/Loop/Scan bodies). Other values stay in <see cref="Fields"/>.</summary>
public sealed class AttributeProto
{
    public const int NameField = 1;
    public const int FField = 2;
    public const int IField = 3;
    public const int SField = 4;
    public const int TField = 5;
    public const int GField = 6;
    public const int FloatsField = 7;
    public const int IntsField = 8;
    public const int StringsField = 9;
    public const int TensorsField = 10;
    public const int GraphsField = 11;
    public const int DocStringField = 13;
    public const int TypeProtoField = 14;
    public const int TypeProtosField = 15;
    public const int TypeField = 20;
    public const int RefAttrNameField = 21;
    public const int SparseTensorField = 22;
    public const int SparseTensorsField = 23;

    private AttributeProto(IReadOnlyList<ProtoField> fields, int depth)
    {
        Fields = fields;
        Name = ProtoWire.LastString(fields, NameField);
        Type = (AttributeType)ProtoWire.LastVarint(fields, TypeField);
        I = ProtoWire.LastVarint(fields, IField);
        Ints = ProtoWire.Int64s(fields, IntsField);
        S = ProtoWire.LastString(fields, SField);
        ProtoWire.RequireWireType(fields, FField, "AttributeProto.f, a float", Google.Protobuf.WireFormat.WireType.Fixed32);
        var f = fields.LastOrDefault(x => x.Number == FField);
        F = f.Encoded.Length > 0 ? f.FixedFloat : 0f;
        Floats = ProtoWire.Floats(fields, FloatsField);
        StringList = ProtoWire.Strings(fields, StringsField);
        Tensor = ProtoWire.Messages(fields, TField, TensorProto.Parse) is { Count: > 0 } tensors ? tensors[^1] : null;
        Graphs = [.. ProtoWire.Messages(fields, GField, g => GraphProto.Parse(g, depth + 1)),
            .. ProtoWire.Messages(fields, GraphsField, g => GraphProto.Parse(g, depth + 1))];
    }

    public IReadOnlyList<ProtoField> Fields { get; }
    public string Name { get; }
    public AttributeType Type { get; }
    public float F { get; }
    public long I { get; }
    public string S { get; }
    public IReadOnlyList<long> Ints { get; }
    public IReadOnlyList<float> Floats { get; }

    /// <summary>The values of a STRINGS attribute ("Sigmoid", "Tanh" for an LSTM's activations).</summary>
    public IReadOnlyList<string> StringList { get; }

    /// <summary>The value of a TENSOR attribute (a Constant's value), or null.</summary>
    public TensorProto? Tensor { get; }

    /// <summary>The subgraphs held by a GRAPH or GRAPHS attribute.</summary>
    public IReadOnlyList<GraphProto> Graphs { get; }

    public static AttributeProto Parse(ReadOnlyMemory<byte> encoded) => Parse(encoded, 0);

    /// <summary>Parses an attribute of a node <paramref name="depth"/> levels below the main graph; its subgraphs are
    /// one level deeper.</summary>
    internal static AttributeProto Parse(ReadOnlyMemory<byte> encoded, int depth) => new(ProtoWire.Split(encoded), depth);
}

/// <summary>onnx.AttributeProto.AttributeType.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name",
    Justification = "The members are ONNX's own attribute type names.")]
public enum AttributeType
{
    Undefined = 0,
    Float = 1,
    Int = 2,
    String = 3,
    Tensor = 4,
    Graph = 5,
    Floats = 6,
    Ints = 7,
    Strings = 8,
    Tensors = 9,
    Graphs = 10,
    SparseTensor = 11,
    SparseTensors = 12,
    TypeProto = 13,
    TypeProtos = 14,
}
