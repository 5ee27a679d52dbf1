using System.Runtime.InteropServices;
using Google.Protobuf;

namespace LayerScope.Onnx.Proto;

/// <summary>
/// Splits an encoded message into its fields and encodes new fields. Reading goes through Google.Protobuf's
/// <see cref="CodedInputStream"/> (which validates tags, lengths and truncation); every field keeps its source bytes,
/// so nothing is decoded that LayerScope does not need (initializer data stays where it is).
/// </summary>
public static class ProtoWire
{
    /// <summary>The fields of <paramref name="message"/> in source order.</summary>
    /// <exception cref="InvalidProtocolBufferException">Google.Protobuf found the bytes invalid.</exception>
    /// <exception cref="InvalidDataException">The bytes are not a valid protobuf message.</exception>
    public static IReadOnlyList<ProtoField> Split(ReadOnlyMemory<byte> message)
    {
        if (!MemoryMarshal.TryGetArray(message, out var segment))
            segment = new ArraySegment<byte>(message.ToArray());
        var array = segment.Array!;
        var fields = new List<ProtoField>();
        var input = new CodedInputStream(array, segment.Offset, segment.Count);
        long origin = input.Position;
        while (!input.IsAtEnd)
        {
            int start = (int)(input.Position - origin);
            uint tag = input.ReadTag();
            int number = WireFormat.GetTagFieldNumber(tag);
            var wireType = WireFormat.GetTagWireType(tag);
            if (number <= 0) throw new InvalidDataException($"Field number {number} at byte {start}.");
            int valueStart = (int)(input.Position - origin);
            input.SkipLastField();
            int end = (int)(input.Position - origin);
            var encoded = message.Slice(start, end - start);
            var payload = message.Slice(valueStart, end - valueStart);
            if (wireType == WireFormat.WireType.LengthDelimited)
            {
                // Google.Protobuf reads a length as 32 bits and drops the rest, so a declared length of 2**34 would
                // skip 0 bytes and the rest of the field would be read as further fields (a different model). The
                // full 64-bit value must be exactly what was skipped.
                var declared = ReadVarint(payload.Span, out int prefix);
                payload = payload[prefix..];
                if (declared != (ulong)payload.Length)
                    throw new InvalidDataException($"Field {number} at byte {start} declares a length of {declared} bytes, which does not fit in the message.");
            }
            fields.Add(new ProtoField(number, wireType, encoded, payload));
        }
        return fields;
    }

    /// <summary>Reads a base-128 varint at the start of <paramref name="bytes"/>.</summary>
    public static ulong ReadVarint(ReadOnlySpan<byte> bytes, out int length)
    {
        ulong value = 0;
        for (int i = 0; i < bytes.Length && i < 10; i++)
        {
            value |= (ulong)(bytes[i] & 0x7F) << (7 * i);
            if (bytes[i] < 0x80)
            {
                length = i + 1;
                return value;
            }
        }
        throw new InvalidDataException("Malformed varint.");
    }

    /// <summary>Refuses a field numbered <paramref name="number"/> with a wire type other than
    /// <paramref name="expected"/> (for example a float attribute encoded as a varint): reading it as the schema says
    /// would read the wrong number of bytes.</summary>
    /// <exception cref="InvalidDataException">Such a field is present.</exception>
    public static void RequireWireType(IEnumerable<ProtoField> fields, int number, string name, params WireFormat.WireType[] expected)
    {
        foreach (var field in fields)
            if (field.Number == number && Array.IndexOf(expected, field.WireType) < 0)
                throw new InvalidDataException(
                    $"Field {number} ({name}) is encoded as {field.WireType}; the ONNX schema expects {string.Join(" or ", expected)}.");
    }

    /// <summary>The values of a repeated int64 field, packed or not.</summary>
    public static IReadOnlyList<long> Int64s(IEnumerable<ProtoField> fields, int number)
    {
        var values = new List<long>();
        RequireWireType(fields, number, "int64 values", WireFormat.WireType.Varint, WireFormat.WireType.LengthDelimited);
        foreach (var field in fields)
        {
            if (field.Number != number) continue;
            if (field.WireType == WireFormat.WireType.Varint)
            {
                values.Add((long)field.Varint);
                continue;
            }
            var span = field.Payload.Span;
            while (!span.IsEmpty)
            {
                values.Add((long)ReadVarint(span, out int length));
                span = span[length..];
            }
        }
        return values;
    }

    /// <summary>The values of a repeated float field, packed or not.</summary>
    public static IReadOnlyList<float> Floats(IEnumerable<ProtoField> fields, int number)
    {
        var values = new List<float>();
        foreach (var field in fields)
        {
            if (field.Number != number) continue;
            if (field.WireType == WireFormat.WireType.Fixed32)
            {
                values.Add(field.FixedFloat);
                continue;
            }
            if (field.WireType == WireFormat.WireType.LengthDelimited)
                values.AddRange(MemoryMarshal.Cast<byte, float>(field.Payload.Span).ToArray());
        }
        return values;
    }

    /// <summary>The values of a repeated double field, packed or not.</summary>
    public static IReadOnlyList<double> Doubles(IEnumerable<ProtoField> fields, int number)
    {
        var values = new List<double>();
        foreach (var field in fields)
        {
            if (field.Number != number) continue;
            if (field.WireType == WireFormat.WireType.Fixed64)
            {
                values.Add(BitConverter.ToDouble(field.Payload.Span));
                continue;
            }
            if (field.WireType == WireFormat.WireType.LengthDelimited)
                values.AddRange(MemoryMarshal.Cast<byte, double>(field.Payload.Span).ToArray());
        }
        return values;
    }

    /// <summary>The last value of a singular string field (protobuf: the last one wins), or "" when absent.</summary>
    public static string LastString(IEnumerable<ProtoField> fields, int number)
    {
        RequireWireType(fields, number, "a string", WireFormat.WireType.LengthDelimited);
        return fields.LastOrDefault(f => f.Number == number && f.WireType == WireFormat.WireType.LengthDelimited) is { Encoded.Length: > 0 } field
            ? field.Text
            : "";
    }

    /// <summary>The last value of a singular varint field, or 0 when absent.</summary>
    public static long LastVarint(IEnumerable<ProtoField> fields, int number)
    {
        RequireWireType(fields, number, "an integer", WireFormat.WireType.Varint);
        return fields.LastOrDefault(f => f.Number == number && f.WireType == WireFormat.WireType.Varint) is { Encoded.Length: > 0 } field
            ? (long)field.Varint
            : 0;
    }

    /// <summary>Every value of a repeated string field.</summary>
    public static IReadOnlyList<string> Strings(IEnumerable<ProtoField> fields, int number)
    {
        RequireWireType(fields, number, "strings", WireFormat.WireType.LengthDelimited);
        return fields.Where(f => f.Number == number && f.WireType == WireFormat.WireType.LengthDelimited).Select(f => f.Text).ToList();
    }

    /// <summary>Every value of a repeated (or singular) message field, parsed by <paramref name="parse"/>.</summary>
    public static IReadOnlyList<T> Messages<T>(IEnumerable<ProtoField> fields, int number, Func<ReadOnlyMemory<byte>, T> parse)
    {
        RequireWireType(fields, number, "a message", WireFormat.WireType.LengthDelimited);
        return fields.Where(f => f.Number == number && f.WireType == WireFormat.WireType.LengthDelimited).Select(f => parse(f.Payload)).ToList();
    }

    /// <summary>Encodes one length-delimited field (a string, bytes or an embedded message).</summary>
    public static byte[] EncodeLengthDelimited(int number, ReadOnlySpan<byte> payload)
    {
        using var buffer = new MemoryStream(payload.Length + 8);
        var output = new CodedOutputStream(buffer, leaveOpen: true);
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteLength(payload.Length);
        output.Flush();
        buffer.Write(payload);
        return buffer.ToArray();
    }

    /// <summary>Encodes one varint field.</summary>
    public static byte[] EncodeVarint(int number, long value)
    {
        using var buffer = new MemoryStream(12);
        var output = new CodedOutputStream(buffer, leaveOpen: true);
        output.WriteTag(number, WireFormat.WireType.Varint);
        output.WriteInt64(value);
        output.Flush();
        return buffer.ToArray();
    }

    /// <summary>Encodes one string field.</summary>
    public static byte[] EncodeString(int number, string value) =>
        EncodeLengthDelimited(number, System.Text.Encoding.UTF8.GetBytes(value));

    /// <summary>Concatenates encoded fields into one message.</summary>
    public static byte[] Concat(IEnumerable<ReadOnlyMemory<byte>> parts)
    {
        using var buffer = new MemoryStream();
        foreach (var part in parts) buffer.Write(part.Span);
        return buffer.ToArray();
    }
}
