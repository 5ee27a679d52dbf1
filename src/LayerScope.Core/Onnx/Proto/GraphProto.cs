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

    /// <summary>How deeply subgraphs (If/Loop/Scan bodies) may nest. Parsing recurses through every level, so an
    /// unbounded depth lets a small crafted file overflow the stack, which ends the process uncatchably. Real models
    /// nest a handful of levels.</summary>
    public const int MaxNesting = 64;

    private GraphProto(IReadOnlyList<ProtoField> fields, int depth)
    {
        Fields = fields;
        Name = ProtoWire.LastString(fields, NameField);
        Nodes = ProtoWire.Messages(fields, NodeField, node => NodeProto.Parse(node, depth));
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

    /// <summary>Parses a main graph.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid message, or subgraphs nest deeper than
    /// <see cref="MaxNesting"/>.</exception>
    public static GraphProto Parse(ReadOnlyMemory<byte> encoded) => Parse(encoded, 0);

    /// <summary>Parses a graph held <paramref name="depth"/> levels below the main graph.</summary>
    internal static GraphProto Parse(ReadOnlyMemory<byte> encoded, int depth)
    {
        if (depth > MaxNesting)
            throw new InvalidDataException($"Subgraphs (If/Loop/Scan bodies) nest deeper than {MaxNesting} levels.");
        return new GraphProto(ProtoWire.Split(encoded), depth);
    }
}
