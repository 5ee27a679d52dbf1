using System.Buffers.Binary;
using System.IO.Compression;
using LayerScope.Errors;

namespace LayerScope.Data.Loaders;

/// <summary>An IDX file's contents (the format of MNIST and Fashion-MNIST): unsigned bytes and their dimensions.</summary>
/// <param name="Values">Every element, row-major.</param>
/// <param name="Dimensions">The sizes from the header, outermost first (images: count, rows, columns).</param>
public sealed record IdxArray(byte[] Values, int[] Dimensions);

/// <summary>
/// Reads IDX files of unsigned bytes, plain or gzipped (detected from the gzip signature, not the file name).
/// Format (LeCun et al., the MNIST page): a big-endian 32-bit magic whose third byte is the element type (0x08 =
/// unsigned byte) and fourth the number of dimensions, then one big-endian 32-bit size per dimension, then the
/// elements. Anything else, a short header or fewer elements than the sizes promise is refused with a
/// <see cref="DataFormatException"/> naming the file and the field; a silently short image set would train on zeros.
/// </summary>
public static class IdxFile
{
    /// <summary>The element-type byte for unsigned bytes, the only type Fashion-MNIST uses.</summary>
    public const byte UnsignedByte = 0x08;

    /// <summary>Reads <paramref name="path"/> and checks it has <paramref name="expectedRank"/> dimensions.</summary>
    /// <exception cref="DataFormatException">Wrong magic, element type or rank, or the file is truncated or longer
    /// than its header says.</exception>
    public static IdxArray Read(string path, int expectedRank)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = Decompressed(path);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, "gzip stream", "a complete gzip stream", $"a damaged one ({e.Message})");
        }
        return Parse(bytes, path, expectedRank);
    }

    /// <summary>Parses IDX bytes (already decompressed); <paramref name="file"/> names them in errors.</summary>
    public static IdxArray Parse(ReadOnlySpan<byte> bytes, string file, int expectedRank)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedRank, 1);
        string expectedMagic = $"0x0000{UnsignedByte:X2}{expectedRank:X2} (unsigned bytes, {expectedRank} dimension(s))";
        if (bytes.Length < 4) throw new DataFormatException(file, "magic number", expectedMagic, $"a file of {bytes.Length} byte(s)");
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        if (magic >> 16 != 0 || (byte)(magic >> 8) != UnsignedByte || (byte)magic != expectedRank)
            throw new DataFormatException(file, "magic number", expectedMagic, $"0x{magic:X8}");

        int headerLength = 4 + 4 * expectedRank;
        if (bytes.Length < headerLength)
            throw new DataFormatException(file, "header", $"{headerLength} bytes (magic and {expectedRank} sizes)", $"{bytes.Length} bytes");
        var dimensions = new int[expectedRank];
        // Int128: three sizes near 2^31 overflow a long, and a wrapped product could match the file's length.
        Int128 count = 1;
        for (int d = 0; d < expectedRank; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(bytes[(4 + 4 * d)..]);
            if (size > int.MaxValue) throw new DataFormatException(file, $"size of dimension {d}", "at most 2147483647", size.ToString());
            dimensions[d] = (int)size;
            count *= size;
        }
        Int128 available = bytes.Length - headerLength;
        if (available != count)
            throw new DataFormatException(file, "data", $"{count} bytes for dimensions [{string.Join(", ", dimensions)}]",
                available < count ? $"{available} (the file is truncated)" : $"{available} ({available - count} trailing bytes)");
        return new IdxArray(bytes[headerLength..].ToArray(), dimensions);
    }

    private static byte[] Decompressed(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> signature = stackalloc byte[2];
        int read = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
        file.Position = 0;
        using var buffer = new MemoryStream();
        if (read == 2 && signature[0] == 0x1f && signature[1] == 0x8b)
        {
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            gzip.CopyTo(buffer);
        }
        else
        {
            file.CopyTo(buffer);
        }
        return buffer.ToArray();
    }
}
