using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LayerScope.Errors;

namespace LayerScope.Storage.Npy;

/// <summary>Reads NPY files. TEMP stand-in until the storage branch is merged: little-endian C-order float32,
/// float64, int32 and int64.</summary>
public static partial class NpyReader
{
    public static NpyArray Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        var magic = reader.ReadBytes(6);
        if (magic.Length != 6 || magic[0] != 0x93 || Encoding.ASCII.GetString(magic, 1, 5) != "NUMPY")
            throw new DataFormatException(path, "magic", "\\x93NUMPY", "something else");
        byte major = reader.ReadByte();
        reader.ReadByte();
        int headerLength = major == 1 ? reader.ReadUInt16() : (int)reader.ReadUInt32();
        string header = Encoding.Latin1.GetString(reader.ReadBytes(headerLength));
        string descr = DescrPattern().Match(header) is { Success: true } d ? d.Groups[1].Value : throw new DataFormatException(path, "header descr", "a dtype", header);
        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
            throw new DataFormatException(path, "fortran_order", "False (C order)", "True");
        var shapeText = ShapePattern().Match(header) is { Success: true } s ? s.Groups[1].Value : throw new DataFormatException(path, "header shape", "a shape", header);
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        long length = shape.Aggregate(1L, (a, b) => a * b);
        return descr switch
        {
            "<f4" => NpyArray.Create(ReadValues<float>(reader, length, path), shape),
            "<f8" => NpyArray.Create(ReadValues<double>(reader, length, path), shape),
            "<i8" => NpyArray.Create(ReadValues<long>(reader, length, path), shape),
            "<i4" => NpyArray.Create(ReadValues<int>(reader, length, path), shape),
            _ => throw new DataFormatException(path, "dtype", "<f4, <f8, <i4 or <i8", descr),
        };
    }

    private static T[] ReadValues<T>(BinaryReader reader, long length, string path) where T : unmanaged
    {
        var values = new T[length];
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan());
        int read = 0;
        while (read < bytes.Length)
        {
            int n = reader.BaseStream.Read(bytes[read..]);
            if (n == 0) throw new DataFormatException(path, "data", $"{bytes.Length} bytes", $"{read} bytes");
            read += n;
        }
        return values;
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
