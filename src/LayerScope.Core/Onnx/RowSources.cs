using LayerScope.Arrays;
using System.Runtime.InteropServices;
using LayerScope.Errors;
using LayerScope.Storage.Npy;

namespace LayerScope.Onnx;

/// <summary>Reads consecutive rows (slices along axis 0) of an input as a flat C-ordered array.</summary>
internal interface IRowSource : IDisposable
{
    string SourceName { get; }
    NpyElementType ElementType { get; }
    long[] Shape { get; }
    long Rows => Shape.Length == 0 ? 0 : Shape[0];

    /// <summary>Rows [start, start + count) into a new array of <paramref name="capacity"/> rows (the rest zero).</summary>
    Array ReadRows(long start, int count, int capacity);
}

/// <summary>Row ranges of an NPY file: the header gives the data offset, and a row is a fixed number of bytes, so
/// any range is one seek and one read.</summary>
internal sealed class NpyFileRows : IRowSource
{
    private readonly FileStream _stream;
    private readonly long _dataOffset;
    private readonly long _rowLength;

    public NpyFileRows(string path)
    {
        SourceName = path;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            var header = NpyReader.ReadHeader(_stream, path);
            if (header.IsBigEndian) throw new DataFormatException(path, "descr", "little-endian values", "big-endian values");
            if (header.FortranOrder && header.Shape.Length > 1)
                throw new DataFormatException(path, "fortran_order", "C order (numpy.ascontiguousarray)", "Fortran order");
            if (header.Shape.Length == 0) throw new DataFormatException(path, "shape", "at least one axis (rows)", "a scalar");
            ElementType = header.ElementType;
            Shape = header.Shape;
            _dataOffset = header.DataOffset;
            _rowLength = Shapes.Product(Shape.Skip(1));
            // Compared as data bytes against what follows the header, so no sum can pass 64 bits.
            if (_stream.Length - _dataOffset < header.DataBytes)
                throw new DataFormatException(path, "data", $"{header.DataBytes} bytes after the header for shape [{string.Join(", ", Shape)}]",
                    $"{Math.Max(0, _stream.Length - _dataOffset)} bytes (truncated)");
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
    }

    public string SourceName { get; }
    public NpyElementType ElementType { get; }
    public long[] Shape { get; }

    public Array ReadRows(long start, int count, int capacity)
    {
        var data = Array.CreateInstance(ClrType(ElementType), capacity * _rowLength);
        var bytes = AsBytes(data)[..checked((int)(count * _rowLength * ItemSize(ElementType)))];
        _stream.Position = _dataOffset + start * _rowLength * ItemSize(ElementType);
        _stream.ReadExactly(bytes);
        return data;
    }

    public void Dispose() => _stream.Dispose();

    internal static int ItemSize(NpyElementType type) => type switch
    {
        NpyElementType.Bool or NpyElementType.Int8 or NpyElementType.UInt8 => 1,
        NpyElementType.Int16 => 2,
        NpyElementType.Int32 or NpyElementType.Float32 => 4,
        _ => 8,
    };

    internal static Type ClrType(NpyElementType type) => type switch
    {
        NpyElementType.Bool => typeof(bool),
        NpyElementType.Int8 => typeof(sbyte),
        NpyElementType.UInt8 => typeof(byte),
        NpyElementType.Int16 => typeof(short),
        NpyElementType.Int32 => typeof(int),
        NpyElementType.Int64 => typeof(long),
        NpyElementType.Float32 => typeof(float),
        _ => typeof(double),
    };

    internal static Span<byte> AsBytes(Array data) => data switch
    {
        bool[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        sbyte[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        byte[] a => a.AsSpan(),
        short[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        int[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        long[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        float[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        double[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        _ => throw new ArgumentException($"No NPY type for {data.GetType().Name}.", nameof(data)),
    };
}

/// <summary>Row ranges of an array in memory.</summary>
internal sealed class ArrayRows(NpyArray array, string sourceName) : IRowSource
{
    private readonly long _rowLength = Shapes.Product(array.Shape.Skip(1));

    public string SourceName { get; } = sourceName;
    public NpyElementType ElementType => array.ElementType;
    public long[] Shape => array.Shape;

    public Array ReadRows(long start, int count, int capacity)
    {
        var data = Array.CreateInstance(array.Data.GetType().GetElementType()!, capacity * _rowLength);
        Array.Copy(array.Data, start * _rowLength, data, 0, count * _rowLength);
        return data;
    }

    public void Dispose() { }
}
