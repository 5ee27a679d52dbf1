using System.Buffers.Binary;
using System.Text;

namespace LayerScope.Testing;

/// <summary>A scalar or histogram summary value read from an event file.</summary>
public sealed record EventValue(string Tag, float? Scalar, EventHistogram? Histogram);

/// <summary>A HistogramProto as read.</summary>
public sealed record EventHistogram(double Min, double Max, double Num, double Sum, double SumSquares, double[] BucketLimits, double[] Buckets);

/// <summary>An Event as read: wall time, step, file version or summary values.</summary>
public sealed record EventRecord(double WallTime, long Step, string? FileVersion, IReadOnlyList<EventValue> Values);

/// <summary>
/// Reads TensorBoard event files independently of the code that writes them, from the format descriptions only:
/// TFRecord framing (uint64 length, masked CRC-32C of the length, data, masked CRC-32C of the data, little-endian;
/// CRC-32C computed bit by bit from the Castagnoli polynomial) and the protobuf wire format (varints, fixed64,
/// fixed32, length-delimited) of tensorflow.Event (wall_time 1, step 2, file_version 3, summary 5), Summary (value 1),
/// Summary.Value (tag 1, simple_value 2, histo 5) and HistogramProto (min 1 … sum_squares 5, bucket_limit 6, bucket 7).
/// Any mismatch throws <see cref="InvalidDataException"/>.
/// </summary>
public static class TensorBoardEventReader
{
    public static IReadOnlyList<EventRecord> Read(string path) => Read(File.ReadAllBytes(path));

    public static IReadOnlyList<EventRecord> Read(byte[] file)
    {
        var events = new List<EventRecord>();
        int at = 0;
        while (at < file.Length)
        {
            if (file.Length - at < 12) throw new InvalidDataException($"truncated record header at byte {at}");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at));
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8));
            if (lengthCrc != MaskedCrc(file.AsSpan(at, 8))) throw new InvalidDataException($"length CRC mismatch at byte {at}");
            at += 12;
            if ((ulong)(file.Length - at) < length + 4) throw new InvalidDataException($"truncated record data at byte {at}");
            var data = file.AsSpan(at, (int)length);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + (int)length));
            if (dataCrc != MaskedCrc(data)) throw new InvalidDataException($"data CRC mismatch at byte {at}");
            events.Add(Event(data.ToArray()));
            at += (int)length + 4;
        }
        return events;
    }

    /// <summary>CRC-32C, one bit at a time (reflected polynomial 0x82F63B78).</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
        return ~crc;
    }

    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8);
    }

    private static EventRecord Event(byte[] data)
    {
        double wall = 0;
        long step = 0;
        string? version = null;
        var values = new List<EventValue>();
        foreach (var (field, wire, number, bytes) in Fields(data))
        {
            switch (field)
            {
                case 1: wall = BitConverter.Int64BitsToDouble((long)Expect(wire, 1, number)); break;
                case 2: step = (long)Expect(wire, 0, number); break;
                case 3: version = Encoding.UTF8.GetString(Expect(wire, bytes)); break;
                case 5:
                    foreach (var (f, w, _, b) in Fields(Expect(wire, bytes)))
                    {
                        if (f == 1) values.Add(Value(Expect(w, b)));
                    }
                    break;
            }
        }
        return new EventRecord(wall, step, version, values);
    }

    private static EventValue Value(byte[] data)
    {
        string tag = "";
        float? scalar = null;
        EventHistogram? histogram = null;
        foreach (var (field, wire, number, bytes) in Fields(data))
        {
            switch (field)
            {
                case 1: tag = Encoding.UTF8.GetString(Expect(wire, bytes)); break;
                case 2: scalar = BitConverter.Int32BitsToSingle((int)Expect(wire, 5, number)); break;
                case 5: histogram = Histogram(Expect(wire, bytes)); break;
            }
        }
        return new EventValue(tag, scalar, histogram);
    }

    private static EventHistogram Histogram(byte[] data)
    {
        var doubles = new double[6];
        var limits = new List<double>();
        var buckets = new List<double>();
        foreach (var (field, wire, number, bytes) in Fields(data))
        {
            if (field is >= 1 and <= 5) doubles[field] = BitConverter.Int64BitsToDouble((long)Expect(wire, 1, number));
            else if (field is 6 or 7)
            {
                var packed = Expect(wire, bytes);
                if (packed.Length % 8 != 0) throw new InvalidDataException($"packed doubles of {packed.Length} bytes");
                for (int i = 0; i < packed.Length; i += 8) (field == 6 ? limits : buckets).Add(BinaryPrimitives.ReadDoubleLittleEndian(packed.AsSpan(i)));
            }
        }
        return new EventHistogram(doubles[1], doubles[2], doubles[3], doubles[4], doubles[5], [.. limits], [.. buckets]);
    }

    private static ulong Expect(int wire, int expected, ulong number) =>
        wire == expected ? number : throw new InvalidDataException($"wire type {wire}, expected {expected}");

    private static byte[] Expect(int wire, byte[]? bytes) =>
        wire == 2 && bytes is not null ? bytes : throw new InvalidDataException($"wire type {wire}, expected 2");

    /// <summary>The fields of a message: number, wire type, the value of varint/fixed fields, the bytes of
    /// length-delimited ones.</summary>
    private static IEnumerable<(int Field, int Wire, ulong Number, byte[]? Bytes)> Fields(byte[] data)
    {
        int at = 0;
        while (at < data.Length)
        {
            ulong key = Varint(data, ref at);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return (field, wire, Varint(data, ref at), null); break;
                case 1: yield return (field, wire, BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(at)), null); at += 8; break;
                case 5: yield return (field, wire, BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at)), null); at += 4; break;
                case 2:
                    int length = checked((int)Varint(data, ref at));
                    yield return (field, wire, 0, data.AsSpan(at, length).ToArray());
                    at += length;
                    break;
                default: throw new InvalidDataException($"wire type {wire} of field {field}");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (at >= data.Length) throw new InvalidDataException("truncated varint");
            byte b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("varint longer than 10 bytes");
    }
}
