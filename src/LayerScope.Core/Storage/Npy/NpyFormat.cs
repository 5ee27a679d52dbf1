using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LayerScope.Errors;

namespace LayerScope.Storage.Npy;

/// <summary>The NPY header format (version 1.0 and 2.0) and its dtype codes.</summary>
internal static partial class NpyFormat
{
    public static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static NpyElementType ElementTypeOf(Type type) => type switch
    {
        _ when type == typeof(bool) => NpyElementType.Bool,
        _ when type == typeof(sbyte) => NpyElementType.Int8,
        _ when type == typeof(byte) => NpyElementType.UInt8,
        _ when type == typeof(short) => NpyElementType.Int16,
        _ when type == typeof(int) => NpyElementType.Int32,
        _ when type == typeof(long) => NpyElementType.Int64,
        _ when type == typeof(float) => NpyElementType.Float32,
        _ when type == typeof(double) => NpyElementType.Float64,
        _ => throw new ArgumentException($"NPY cannot hold {type.Name} values."),
    };

    public static Type ClrType(NpyElementType type) => type switch
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

    public static int ItemSize(NpyElementType type) => type switch
    {
        NpyElementType.Bool or NpyElementType.Int8 or NpyElementType.UInt8 => 1,
        NpyElementType.Int16 => 2,
        NpyElementType.Int32 or NpyElementType.Float32 => 4,
        _ => 8,
    };

    public static string Descr(NpyElementType type) => type switch
    {
        NpyElementType.Bool => "|b1",
        NpyElementType.Int8 => "|i1",
        NpyElementType.UInt8 => "|u1",
        NpyElementType.Int16 => "<i2",
        NpyElementType.Int32 => "<i4",
        NpyElementType.Int64 => "<i8",
        NpyElementType.Float32 => "<f4",
        _ => "<f8",
    };

    /// <summary>The header bytes (magic, version 1.0, length, dictionary) padded to a multiple of 64 bytes, with at
    /// least <paramref name="minimumLength"/> bytes so an appending writer can rewrite it in place.</summary>
    public static byte[] EncodeHeader(NpyElementType type, long[] shape, int minimumLength = 0)
    {
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var dictionary = $"{{'descr': '{Descr(type)}', 'fortran_order': False, 'shape': ({dims}), }}";
        int unpadded = Magic.Length + 2 + 2 + dictionary.Length + 1;
        int total = Math.Max(unpadded, minimumLength);
        total = (total + 63) / 64 * 64;
        var text = dictionary.PadRight(total - Magic.Length - 4 - 1) + "\n";
        var bytes = new byte[total];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        bytes[7] = 0;
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 2), (ushort)text.Length);
        Encoding.ASCII.GetBytes(text, bytes.AsSpan(10));
        return bytes;
    }

    public static NpyHeader DecodeHeader(Stream stream, string sourceName)
    {
        long start = stream.CanSeek ? stream.Position : 0;
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8 || !prefix[..6].SequenceEqual(Magic))
            throw new DataFormatException(sourceName, "magic", "an NPY file (\\x93NUMPY)", "other bytes");
        int major = prefix[6];
        int lengthSize = major == 1 ? 2 : 4;
        Span<byte> lengthBytes = stackalloc byte[4];
        if (stream.ReadAtLeast(lengthBytes[..lengthSize], lengthSize, throwOnEndOfStream: false) < lengthSize)
            throw new DataFormatException(sourceName, "header length", "2 or 4 bytes", "end of file");
        int headerLength = major == 1 ? BitConverter.ToUInt16(lengthBytes[..2]) : BitConverter.ToInt32(lengthBytes);
        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerLength, throwOnEndOfStream: false) < headerLength)
            throw new DataFormatException(sourceName, "header", $"{headerLength} bytes", "end of file");
        var text = Encoding.ASCII.GetString(headerBytes);

        var descr = DescrPattern().Match(text);
        var fortran = FortranPattern().Match(text);
        var shape = ShapePattern().Match(text);
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw new DataFormatException(sourceName, "header", "a dictionary with descr, fortran_order and shape", text.Trim());
        var code = descr.Groups[1].Value;
        bool bigEndian = code[0] == '>';
        var kind = code.TrimStart('<', '>', '|', '=');
        NpyElementType type = kind switch
        {
            "b1" or "?" => NpyElementType.Bool,
            "i1" => NpyElementType.Int8,
            "u1" => NpyElementType.UInt8,
            "i2" => NpyElementType.Int16,
            "i4" => NpyElementType.Int32,
            "i8" => NpyElementType.Int64,
            "f4" => NpyElementType.Float32,
            "f8" => NpyElementType.Float64,
            _ => throw new DataFormatException(sourceName, "descr", "bool, int8-64, uint8, float32 or float64", code),
        };
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        long dataOffset = start + 6 + 2 + lengthSize + headerLength;
        return new NpyHeader(type, bigEndian, fortran.Groups[1].Value == "True", dims, dataOffset);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
