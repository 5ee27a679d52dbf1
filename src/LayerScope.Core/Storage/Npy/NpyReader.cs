using System.Runtime.InteropServices;
using LayerScope.Errors;

namespace LayerScope.Storage.Npy;

/// <summary>Reads NPY files (little-endian, C order).</summary>
public static class NpyReader
{
    public static NpyArray Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    public static NpyArray Read(Stream stream, string sourceName)
    {
        var header = ReadHeader(stream, sourceName);
        if (header.IsBigEndian || header.FortranOrder)
            throw new DataFormatException(sourceName, "layout", "little-endian C order", header.IsBigEndian ? "big-endian" : "Fortran order");
        long count = 1;
        foreach (var d in header.Shape) count *= d;
        var data = Array.CreateInstance(NpyFormat.ClrType(header.ElementType), count);
        var bytes = new byte[count * NpyFormat.ItemSize(header.ElementType)];
        if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
            throw new DataFormatException(sourceName, "data", $"{bytes.Length} bytes", "fewer");
        Buffer.BlockCopy(bytes, 0, data, 0, bytes.Length);
        return header.ElementType switch
        {
            NpyElementType.Bool => NpyArray.Create((bool[])data, header.Shape),
            NpyElementType.Int8 => NpyArray.Create((sbyte[])data, header.Shape),
            NpyElementType.UInt8 => NpyArray.Create((byte[])data, header.Shape),
            NpyElementType.Int16 => NpyArray.Create((short[])data, header.Shape),
            NpyElementType.Int32 => NpyArray.Create((int[])data, header.Shape),
            NpyElementType.Int64 => NpyArray.Create((long[])data, header.Shape),
            NpyElementType.Float32 => NpyArray.Create((float[])data, header.Shape),
            _ => NpyArray.Create((double[])data, header.Shape),
        };
    }

    public static NpyHeader ReadHeader(Stream stream, string sourceName) => NpyFormat.DecodeHeader(stream, sourceName);

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
        _ => throw new ArgumentException($"NPY cannot hold {data.GetType().Name}."),
    };
}
