namespace LayerScope.Onnx.Proto;

/// <summary>onnx.StringStringEntryProto: one key-value pair.</summary>
public sealed record StringStringEntryProto(string Key, string Value)
{
    public const int KeyField = 1;
    public const int ValueField = 2;

    public static StringStringEntryProto Parse(ReadOnlyMemory<byte> encoded)
    {
        var fields = ProtoWire.Split(encoded);
        return new StringStringEntryProto(ProtoWire.LastString(fields, KeyField), ProtoWire.LastString(fields, ValueField));
    }
}
