using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LayerScope.Errors;

namespace LayerScope.Storage.Npy;

/// <summary>Moves element data between streams and typed arrays, in chunks (so arrays over 2 GiB work), swapping
/// byte order where the file's differs from this machine's.</summary>
internal static class NpyElements
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>Reads the data that follows <paramref name="header"/> and returns it in C order.</summary>
    public static Array Read(Stream stream, NpyHeader header, long length, string sourceName) => header.ElementType switch
    {
        NpyElementType.Bool => NormalizeBooleans(Read<bool>(stream, header, length, sourceName)),
        NpyElementType.Int8 => Read<sbyte>(stream, header, length, sourceName),
        NpyElementType.UInt8 => Read<byte>(stream, header, length, sourceName),
        NpyElementType.Int16 => Read<short>(stream, header, length, sourceName),
        NpyElementType.UInt16 => Read<ushort>(stream, header, length, sourceName),
        NpyElementType.Int32 => Read<int>(stream, header, length, sourceName),
        NpyElementType.UInt32 => Read<uint>(stream, header, length, sourceName),
        NpyElementType.Int64 => Read<long>(stream, header, length, sourceName),
        NpyElementType.UInt64 => Read<ulong>(stream, header, length, sourceName),
        NpyElementType.Float32 => Read<float>(stream, header, length, sourceName),
        NpyElementType.Float64 => Read<double>(stream, header, length, sourceName),
        _ => throw new InvalidOperationException($"Unknown element type {header.ElementType}."),
    };

    /// <summary>Writes all elements of <paramref name="array"/>, little endian.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        switch (array.ElementType)
        {
            case NpyElementType.Bool: Write<bool>(stream, (bool[])array.Data); break;
            case NpyElementType.Int8: Write<sbyte>(stream, (sbyte[])array.Data); break;
            case NpyElementType.UInt8: Write<byte>(stream, (byte[])array.Data); break;
            case NpyElementType.Int16: Write<short>(stream, (short[])array.Data); break;
            case NpyElementType.UInt16: Write<ushort>(stream, (ushort[])array.Data); break;
            case NpyElementType.Int32: Write<int>(stream, (int[])array.Data); break;
            case NpyElementType.UInt32: Write<uint>(stream, (uint[])array.Data); break;
            case NpyElementType.Int64: Write<long>(stream, (long[])array.Data); break;
            case NpyElementType.UInt64: Write<ulong>(stream, (ulong[])array.Data); break;
            case NpyElementType.Float32: Write<float>(stream, (float[])array.Data); break;
            case NpyElementType.Float64: Write<double>(stream, (double[])array.Data); break;
            default: throw new InvalidOperationException($"Unknown element type {array.ElementType}.");
        }
    }

    /// <summary>Writes <paramref name="values"/>, little endian.</summary>
    public static void Write<T>(Stream stream, ReadOnlySpan<T> values) where T : unmanaged
    {
        var chunk = ChunkBytes / Unsafe.SizeOf<T>();
        T[]? swapped = BitConverter.IsLittleEndian ? null : new T[Math.Min(chunk, values.Length)];
        for (var start = 0; start < values.Length; start += chunk)
        {
            var part = values.Slice(start, Math.Min(chunk, values.Length - start));
            if (swapped is not null)
            {
                part.CopyTo(swapped);
                part = swapped.AsSpan(0, part.Length);
                ReverseByteOrder(swapped.AsSpan(0, part.Length));
            }
            stream.Write(MemoryMarshal.AsBytes(part));
        }
    }

    private static T[] Read<T>(Stream stream, NpyHeader header, long length, string sourceName) where T : unmanaged
    {
        var values = new T[length];
        var itemSize = Unsafe.SizeOf<T>();
        var chunk = ChunkBytes / itemSize;
        for (long start = 0; start < length; start += chunk)
        {
            var bytes = MemoryMarshal.AsBytes(values.AsSpan((int)start, (int)Math.Min(chunk, length - start)));
            var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (read < bytes.Length)
                throw new DataFormatException(sourceName, "data",
                    $"{length * itemSize} bytes of {NpyElementTypes.NumpyName(header.ElementType)} data for shape {NpyElementTypes.FormatShape(header.Shape)}",
                    $"only {start * itemSize + read} bytes (the file is truncated)");
        }
        if (itemSize > 1 && header.IsBigEndian == BitConverter.IsLittleEndian) ReverseByteOrder(values.AsSpan());
        return header.FortranOrder && header.Shape.Length > 1 ? FortranToC(values, header.Shape) : values;
    }

    private static bool[] NormalizeBooleans(Array data)
    {
        // numpy treats any non-zero byte as True; .NET expects exactly 0 or 1 in a bool.
        var bools = (bool[])data;
        var bytes = MemoryMarshal.AsBytes(bools.AsSpan());
        for (var i = 0; i < bytes.Length; i++)
            if (bytes[i] > 1) bytes[i] = 1;
        return bools;
    }

    private static void ReverseByteOrder<T>(Span<T> values) where T : unmanaged
    {
        switch (Unsafe.SizeOf<T>())
        {
            case 2:
                var shorts = MemoryMarshal.Cast<T, ushort>(values);
                BinaryPrimitives.ReverseEndianness(shorts, shorts);
                break;
            case 4:
                var ints = MemoryMarshal.Cast<T, uint>(values);
                BinaryPrimitives.ReverseEndianness(ints, ints);
                break;
            case 8:
                var longs = MemoryMarshal.Cast<T, ulong>(values);
                BinaryPrimitives.ReverseEndianness(longs, longs);
                break;
        }
    }

    /// <summary>Reorders column-major data into row-major data of the same shape.</summary>
    private static T[] FortranToC<T>(T[] fortran, long[] shape)
    {
        var result = new T[fortran.LongLength];
        if (result.LongLength == 0) return result;
        var rank = shape.Length;
        var fortranStride = new long[rank];
        fortranStride[0] = 1;
        for (var k = 1; k < rank; k++) fortranStride[k] = fortranStride[k - 1] * shape[k - 1];

        // Walk the C order (last index fastest) and keep the matching Fortran offset up to date incrementally.
        var index = new long[rank];
        long offset = 0;
        for (long c = 0; c < result.LongLength; c++)
        {
            result[c] = fortran[offset];
            for (var k = rank - 1; k >= 0; k--)
            {
                offset += fortranStride[k];
                if (++index[k] < shape[k]) break;
                offset -= fortranStride[k] * shape[k];
                index[k] = 0;
            }
        }
        return result;
    }
}
