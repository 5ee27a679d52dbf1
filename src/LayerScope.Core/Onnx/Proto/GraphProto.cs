namespace LayerScope.Onnx.Proto;

/// <summary>onnx.GraphProto: nodes in topological order, initializers, inputs, outputs and optional shape
/// information (<see cref="ValueInfo"/>).</summary>
public sealed class GraphProto
{
    public const int NodeField = 1;
    public const int NameField = 2;
    public const int InitializerField = 5;
    public const int DocStringField = 10;
    public const int InputField = 11;
    public const int OutputField = 12;
    public const int ValueInfoField = 13;
    public const int QuantizationAnnotationField = 14;
    public const int SparseInitializerField = 15;

    private GraphProto(IReadOnlyList<ProtoField> fields)
    {
        Fields = fields;
        Name = ProtoWire.LastString(fields, NameField);
        Nodes = ProtoWire.Messages(fields, NodeField, NodeProto.Parse);
        Initializers = ProtoWire.Messages(fields, InitializerField, TensorProto.Parse);
        Inputs = ProtoWire.Messages(fields, InputField, ValueInfoProto.Parse);
        Outputs = ProtoWire.Messages(fields, OutputField, ValueInfoProto.Parse);
        ValueInfo = ProtoWire.Messages(fields, ValueInfoField, ValueInfoProto.Parse);
    }

    public IReadOnlyList<ProtoField> Fields { get; }
    public string Name { get; }
    public IReadOnlyList<NodeProto> Nodes { get; }
    public IReadOnlyList<TensorProto> Initializers { get; }
    public IReadOnlyList<ValueInfoProto> Inputs { get; }
    public IReadOnlyList<ValueInfoProto> Outputs { get; }
    public IReadOnlyList<ValueInfoProto> ValueInfo { get; }

    public static GraphProto Parse(ReadOnlyMemory<byte> encoded) => new(ProtoWire.Split(encoded));
}
