using Google.Protobuf;
using LayerScope.Dynamics;

namespace LayerScope.TensorBoard;

/// <summary>Encodes the Event, Summary and HistogramProto messages of <c>tensorboard_events.proto</c> (field numbers
/// from TensorFlow's event.proto, summary.proto and histogram.proto).</summary>
public static class EventMessages
{
    /// <summary>The file_version every event file starts with.</summary>
    public const string FileVersion = "brain.Event:2";

    /// <summary>An Event carrying the file version.</summary>
    public static byte[] FileVersionEvent(double wallTime) => Encode(o =>
    {
        WriteDouble(o, 1, wallTime);
        o.WriteTag(3, WireFormat.WireType.LengthDelimited);
        o.WriteString(FileVersion);
    });

    /// <summary>An Event with one scalar summary value.</summary>
    public static byte[] ScalarEvent(double wallTime, long step, string tag, float value) =>
        SummaryEvent(wallTime, step, Encode(v =>
        {
            WriteString(v, 1, tag);
            v.WriteTag(2, WireFormat.WireType.Fixed32);
            v.WriteFloat(value);
        }));

    /// <summary>An Event with one histogram summary value.</summary>
    public static byte[] HistogramEvent(double wallTime, long step, string tag, Histogram histogram) =>
        SummaryEvent(wallTime, step, Encode(v =>
        {
            WriteString(v, 1, tag);
            WriteMessage(v, 5, HistogramProto(histogram));
        }));

    /// <summary>A HistogramProto of <paramref name="histogram"/>: a leading empty bucket ending at the first bin's left
    /// edge (TensorBoard's first bucket starts at −∞), then one bucket per bin, limited by its right edge.</summary>
    public static byte[] HistogramProto(Histogram histogram) => Encode(h =>
    {
        WriteDouble(h, 1, histogram.Min);
        WriteDouble(h, 2, histogram.Max);
        WriteDouble(h, 3, histogram.Count);
        WriteDouble(h, 4, histogram.Sum);
        WriteDouble(h, 5, histogram.SumSquares);
        var limits = new double[histogram.Counts.Count + 1];
        var counts = new double[limits.Length];
        for (int i = 0; i < limits.Length; i++)
        {
            limits[i] = histogram.Edge(i);
            counts[i] = i == 0 ? 0 : histogram.Counts[i - 1];
        }
        WritePackedDoubles(h, 6, limits);
        WritePackedDoubles(h, 7, counts);
    });

    private static byte[] SummaryEvent(double wallTime, long step, byte[] value) => Encode(e =>
    {
        WriteDouble(e, 1, wallTime);
        e.WriteTag(2, WireFormat.WireType.Varint);
        e.WriteInt64(step);
        WriteMessage(e, 5, Encode(s => WriteMessage(s, 1, value)));
    });

    private static byte[] Encode(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true)) write(output);
        return buffer.ToArray();
    }

    private static void WriteDouble(CodedOutputStream o, int field, double value)
    {
        o.WriteTag(field, WireFormat.WireType.Fixed64);
        o.WriteDouble(value);
    }

    private static void WriteString(CodedOutputStream o, int field, string value)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteString(value);
    }

    private static void WriteMessage(CodedOutputStream o, int field, byte[] message)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(message));
    }

    private static void WritePackedDoubles(CodedOutputStream o, int field, double[] values)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteLength(values.Length * 8);
        foreach (var v in values) o.WriteDouble(v);
    }
}
