using Google.Protobuf;

namespace LayerScope.Onnx.Proto;

/// <summary>
/// One field of an encoded protobuf message exactly as it was read. <see cref="Encoded"/> spans the tag and the value,
/// so a message written back field by field is byte-identical, unknown fields included.
/// </summary>
/// <param name="Number">The field number (the ONNX schema's <c>= N</c>).</param>
/// <param name="WireType">How the value is encoded.</param>
/// <param name="Encoded">The tag and the value, as in the source bytes.</param>
/// <param name="Payload">The value without the tag; for length-delimited fields, without the length prefix.</param>
public readonly record struct ProtoField(int Number, WireFormat.WireType WireType, ReadOnlyMemory<byte> Encoded, ReadOnlyMemory<byte> Payload)
{
    /// <summary>The value of a varint field.</summary>
    public ulong Varint => ProtoWire.ReadVarint(Payload.Span, out _);

    /// <summary>The value of a string field (UTF-8).</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Payload.Span);

    /// <summary>The value of a fixed32 field read as a float.</summary>
    public float FixedFloat => BitConverter.ToSingle(Payload.Span);
}
