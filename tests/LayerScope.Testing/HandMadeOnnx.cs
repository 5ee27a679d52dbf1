using System.Text;

namespace LayerScope.Testing;

/// <summary>
/// Writes small ONNX graphs for tests that no exported fixture covers, in protobuf's wire format
/// (onnx.proto3's field numbers): float and int64 initializers, inputs and outputs with a symbolic batch axis, nodes
/// with integer attributes, opset 13.
/// </summary>
public sealed class HandMadeOnnx
{
    private readonly List<byte[]> _nodes = [], _initializers = [], _inputs = [], _outputs = [];

    /// <summary>An input or output: element type (1 float, 7 int64) and shape, "batch" for the symbolic axis.</summary>
    public HandMadeOnnx Input(string name, int elementType, params object[] shape) { _inputs.Add(ValueInfo(name, elementType, shape)); return this; }

    public HandMadeOnnx Output(string name, int elementType, params object[] shape) { _outputs.Add(ValueInfo(name, elementType, shape)); return this; }

    /// <summary>A float32 initializer filled with a fixed pattern (the values do not matter to these tests).</summary>
    public HandMadeOnnx Weight(string name, params long[] shape)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        return Weight(name, Enumerable.Range(0, (int)count).Select(i => (float)Math.Sin(i + 1)).ToArray(), shape);
    }

    /// <summary>A float32 initializer with the given values (row-major).</summary>
    public HandMadeOnnx Weight(string name, float[] values, params long[] shape) => Initializer(name, 1, values, shape);

    /// <summary>An int64 initializer with the given values (row-major); no shape makes it a scalar.</summary>
    public HandMadeOnnx Integers(string name, long[] values, params long[] shape) => Initializer(name, 7, values, shape);

    /// <summary>An initializer of element type <paramref name="elementType"/> whose values go in raw_data (little-endian).</summary>
    private HandMadeOnnx Initializer(string name, int elementType, Array values, long[] shape)
    {
        var packed = new byte[Buffer.ByteLength(values)];
        Buffer.BlockCopy(values, 0, packed, 0, packed.Length);
        _initializers.Add(Message(w =>
        {
            foreach (var d in shape) w.Varint(1, (ulong)d);
            w.Varint(2, (ulong)elementType);
            w.Text(8, name);
            w.Bytes(9, packed);
        }));
        return this;
    }

    public HandMadeOnnx Node(string opType, string name, string[] inputs, string[] outputs, params (string Name, long Value)[] attributes)
    {
        _nodes.Add(Message(w =>
        {
            foreach (var i in inputs) w.Text(1, i);
            foreach (var o in outputs) w.Text(2, o);
            w.Text(3, name);
            w.Text(4, opType);
            foreach (var (attribute, value) in attributes)
                w.Bytes(5, Message(a => { a.Text(1, attribute); a.Varint(3, (ulong)value); a.Varint(20, 2); }));
        }));
        return this;
    }

    public void Save(string path)
    {
        var graph = Message(w =>
        {
            foreach (var n in _nodes) w.Bytes(1, n);
            w.Text(2, "hand_made");
            foreach (var t in _initializers) w.Bytes(5, t);
            foreach (var i in _inputs) w.Bytes(11, i);
            foreach (var o in _outputs) w.Bytes(12, o);
        });
        File.WriteAllBytes(path, Message(w =>
        {
            w.Varint(1, 8);
            w.Bytes(7, graph);
            w.Bytes(8, Message(o => { o.Text(1, ""); o.Varint(2, 13); }));
        }));
    }

    private static byte[] ValueInfo(string name, int elementType, object[] shape) => Message(w =>
    {
        w.Text(1, name);
        var dims = Message(s =>
        {
            foreach (var d in shape)
                s.Bytes(1, Message(dim => { if (d is string p) dim.Text(2, p); else dim.Varint(1, Convert.ToUInt64(d, System.Globalization.CultureInfo.InvariantCulture)); }));
        });
        w.Bytes(2, Message(t => t.Bytes(1, Message(tensor => { tensor.Varint(1, (ulong)elementType); tensor.Bytes(2, dims); }))));
    });

    private static byte[] Message(Action<Writer> write)
    {
        var writer = new Writer();
        write(writer);
        return writer.Stream.ToArray();
    }

    private sealed class Writer
    {
        public MemoryStream Stream { get; } = new();

        public void Varint(int field, ulong value)
        {
            Raw((ulong)field << 3);
            Raw(value);
        }

        public void Bytes(int field, byte[] bytes)
        {
            Raw(((ulong)field << 3) | 2);
            Raw((ulong)bytes.Length);
            Stream.Write(bytes);
        }

        public void Text(int field, string text) => Bytes(field, Encoding.UTF8.GetBytes(text));

        private void Raw(ulong value)
        {
            for (; value >= 0x80; value >>= 7) Stream.WriteByte((byte)(value | 0x80));
            Stream.WriteByte((byte)value);
        }
    }
}
