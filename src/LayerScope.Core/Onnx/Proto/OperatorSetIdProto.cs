namespace LayerScope.Onnx.Proto;

/// <summary>onnx.OperatorSetIdProto: an operator set the model imports ("" is the default ai.onnx domain).</summary>
public sealed record OperatorSetIdProto(string Domain, long Version)
{
    public const int DomainField = 1;
    public const int VersionField = 2;

    public static OperatorSetIdProto Parse(ReadOnlyMemory<byte> encoded)
    {
        var fields = ProtoWire.Split(encoded);
        return new OperatorSetIdProto(ProtoWire.LastString(fields, DomainField), ProtoWire.LastVarint(fields, VersionField));
    }
}
