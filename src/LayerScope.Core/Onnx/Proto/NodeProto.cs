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

    private NodeProto(IReadOnlyList<ProtoField> fields)
    {
        Inputs = ProtoWire.Strings(fields, InputField);
        Outputs = ProtoWire.Strings(fields, OutputField);
        Name = ProtoWire.LastString(fields, NameField);
        OpType = ProtoWire.LastString(fields, OpTypeField);
        Domain = ProtoWire.LastString(fields, DomainField);
        Attributes = ProtoWire.Messages(fields, AttributeField, AttributeProto.Parse);
    }

    public IReadOnlyList<string> Inputs { get; }
    public IReadOnlyList<string> Outputs { get; }
    public string Name { get; }
    public string OpType { get; }
    public string Domain { get; }
    public IReadOnlyList<AttributeProto> Attributes { get; }

    public static NodeProto Parse(ReadOnlyMemory<byte> encoded) => new(ProtoWire.Split(encoded));
}
