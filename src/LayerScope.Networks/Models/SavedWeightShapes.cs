using System.Text;
using LayerScope.Errors;

namespace LayerScope.Models;

/// <summary>
/// The names and shapes of the tensors in a weights file written by TorchSharp's <c>Module.save</c>, read without
/// their values, so a built-in model can be built at the sizes it was trained with (an IMDB network trained on a
/// smaller vocabulary) before the weights are loaded into it strictly.
/// </summary>
/// <remarks>The format is TorchSharp's own (its documentation, "Saving and Restoring Model Weights and Buffers"): a
/// LEB128 count of entries; per entry the name as a length-prefixed UTF-8 string, then the tensor as LEB128 element
/// type, LEB128 rank, LEB128 extents and the raw little-endian values. Nothing in the file is executed or deserialised
/// into objects; an unknown element type or a file that ends early is refused.</remarks>
public static class SavedWeightShapes
{
    /// <summary>Every tensor's shape, by name, in file order.</summary>
    /// <exception cref="DataFormatException">The file is missing, truncated or not in TorchSharp's format.</exception>
    public static IReadOnlyDictionary<string, long[]> Read(string path)
    {
        const string expected = "weights as TorchSharp's Module.save writes them";
        if (!File.Exists(path)) throw new DataFormatException(path, "file", expected, "no such file");
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        string field = "entry count";
        try
        {
            long count = Leb128(reader);
            if (count < 0 || count > 1_000_000) throw new DataFormatException(path, field, expected, $"{count} entries");
            for (long e = 0; e < count; e++)
            {
                field = $"entry {e}: name";
                string name = reader.ReadString();
                field = $"'{name}': element type";
                long type = Leb128(reader);
                long elementSize = ElementSize(type)
                    ?? throw new DataFormatException(path, field, "a TorchSharp element type code (0–7, 11, 15)", type.ToString(System.Globalization.CultureInfo.InvariantCulture));
                field = $"'{name}': rank";
                long rank = Leb128(reader);
                if (rank is < 0 or > 16) throw new DataFormatException(path, field, "a rank from 0 to 16", rank.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var shape = new long[rank];
                long elements = 1;
                for (int d = 0; d < rank; d++)
                {
                    field = $"'{name}': extent {d}";
                    shape[d] = Leb128(reader);
                    if (shape[d] < 0) throw new DataFormatException(path, field, "a non-negative extent", shape[d].ToString(System.Globalization.CultureInfo.InvariantCulture));
                    elements = checked(elements * shape[d]);
                }
                field = $"'{name}': values";
                long bytes = checked(elements * elementSize);
                if (stream.Length - stream.Position < bytes)
                    throw new DataFormatException(path, field, $"{bytes} bytes of values", $"the file ends after {stream.Length - stream.Position}");
                stream.Seek(bytes, SeekOrigin.Current);
                if (!shapes.TryAdd(name, shape)) throw new DataFormatException(path, field, "each tensor named once", $"'{name}' twice");
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or OverflowException or DecoderFallbackException or FormatException)
        {
            throw new DataFormatException(path, field, expected, ex is EndOfStreamException ? "the file ends early" : ex.Message.TrimEnd('.'));
        }
        return shapes;
    }

    /// <summary>The extent <paramref name="dimension"/> of tensor <paramref name="name"/>, refused with the file and
    /// the tensor named when the file has no such tensor or it has too few dimensions.</summary>
    public static int Extent(this IReadOnlyDictionary<string, long[]> shapes, string path, string name, int dimension)
    {
        if (!shapes.TryGetValue(name, out var shape) || shape.Length <= dimension)
            throw new DataFormatException(path, name, $"a tensor '{name}' with at least {dimension + 1} dimensions",
                shape is null ? $"no such tensor (the file has {string.Join(", ", shapes.Keys.Take(8))}{(shapes.Count > 8 ? ", …" : "")})" : $"shape [{string.Join(", ", shape)}]");
        return checked((int)shape[dimension]);
    }

    private static long Leb128(BinaryReader reader)
    {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = reader.ReadByte();
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new FormatException("a LEB128 number longer than 64 bits");
    }

    /// <summary>Bytes per element of TorchSharp's ScalarType codes; null for codes it does not save plainly.</summary>
    private static long? ElementSize(long type) => type switch
    {
        0 or 1 or 11 => 1,       // uint8, int8, bool
        2 or 5 or 15 => 2,       // int16, float16, bfloat16
        3 or 6 => 4,             // int32, float32
        4 or 7 => 8,             // int64, float64
        _ => null,
    };
}
