namespace LayerScope.Onnx.Proto;

/// <summary>onnx.NodeProto: one operator call. Empty strings in <see cref="Inputs"/>/<see cref="Outputs"/> mark
/// optional arguments that are left out.</summary>
public sealed class NodeProto
{
    public const int InputField = 1;
    public const int OutputField = 2;
    public const int NameField = 3;
    public const int OpTypeField = 4;
    public const int AttributeField = 5;
    public const int DocStringField = 6;
    public const int DomainField = 7;
    public const int OverloadField = 8;

    private NodeProto(IReadOnlyList<ProtoField> fields, int depth)
    {
        Inputs = ProtoWire.Strings(fields, InputField);
        Outputs = ProtoWire.Strings(fields, OutputField);
        Name = ProtoWire.LastString(fields, NameField);
        OpType = ProtoWire.LastString(fields, OpTypeField);
        Domain = ProtoWire.LastString(fields, DomainField);
        Attributes = ProtoWire.Messages(fields, AttributeField, attribute => AttributeProto.Parse(attribute, depth));
    }

    public IReadOnlyList<string> Inputs { get; }
    public IReadOnlyList<string> Outputs { get; }
    public string Name { get; }
    public string OpType { get; }
    public string Domain { get; }
    public IReadOnlyList<AttributeProto> Attributes { get; }

    public static NodeProto Parse(ReadOnlyMemory<byte> encoded) => Parse(encoded, 0);

    /// <summary>Parses a node of a graph <paramref name="depth"/> levels below the main graph.</summary>
    internal static NodeProto Parse(ReadOnlyMemory<byte> encoded, int depth) => new(ProtoWire.Split(encoded), depth);
}
