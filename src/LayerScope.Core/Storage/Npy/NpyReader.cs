using System.Buffers.Binary;
using System.Text;
using LayerScope.Errors;

namespace LayerScope.Storage.Npy;

/// <summary>
/// Reads numpy .npy files (format versions 1.0, 2.0 and 3.0): numeric and bool dtypes, either byte order, C or Fortran
/// order. Object arrays, structured dtypes, strings and pickles are refused with a <see cref="DataFormatException"/>;
/// nothing in a file is ever evaluated or unpickled.
/// </summary>
public static class NpyReader
{
    // numpy itself refuses headers over 10,000 bytes unless told otherwise; far more room than any real shape needs,
    // while a corrupt length cannot make us allocate gigabytes.
    private const int MaxHeaderLength = 1 << 20;

    private const string MagicExpected = "the .npy magic \\x93NUMPY";

    /// <summary>Reads the array in <paramref name="path"/>.</summary>
    /// <exception cref="DataFormatException">The file is not a readable .npy file; the message names it.</exception>
    public static NpyArray Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path);
    }

    /// <summary>Reads <paramref name="path"/> as float32 (converting other numeric types), named <paramref name="name"/>
    /// or after the file.</summary>
    public static Arrays.Float32Array ReadFloat32(string path, string? name = null) =>
        Read(path).ToFloat32Array(name ?? Path.GetFileNameWithoutExtension(path));

    /// <summary>Reads one array from <paramref name="stream"/>, starting at its current position.</summary>
    /// <param name="stream">The .npy content; it need not be seekable.</param>
    /// <param name="sourceName">The file name to show in error messages.</param>
    /// <returns>The array in C order, whatever order the file used.</returns>
    public static NpyArray Read(Stream stream, string sourceName)
    {
        return Read(stream, sourceName, checkHeader: null);
    }

    /// <summary>Reads one array, letting <paramref name="checkHeader"/> refuse it after the header and before any data
    /// is read or allocated (an archive compares the header with the size its entry declares).</summary>
    internal static NpyArray Read(Stream stream, string sourceName, Action<NpyHeader>? checkHeader)
    {
        var header = ReadHeader(stream, sourceName);
        checkHeader?.Invoke(header);
        var length = header.ElementCount;
        if (length > Array.MaxLength)
            throw new LayerScopeException(
                $"{sourceName}: the array has {length} elements (shape {NpyElementTypes.FormatShape(header.Shape)}); at most {Array.MaxLength} fit in memory at once.");
        var data = NpyElements.Read(stream, header, length, sourceName);
        return new NpyArray(header.ElementType, header.Shape, data);
    }

    /// <summary>Reads only the header, leaving <paramref name="stream"/> at the first data byte.</summary>
    /// <param name="stream">The .npy content, at its start.</param>
    /// <param name="sourceName">The file name to show in error messages.</param>
    public static NpyHeader ReadHeader(Stream stream, string sourceName)
    {
        var (dict, dataOffset) = ReadHeaderFields(stream, sourceName);
        var (elementType, bigEndian) = NpyDescr.Parse(Require(dict, "descr", sourceName), sourceName);
        var fortranOrder = Require(dict, "fortran_order", sourceName) as bool?
            ?? throw new DataFormatException(sourceName, "header 'fortran_order'", "True or False", Show(dict["fortran_order"]));
        var shape = ParseShape(Require(dict, "shape", sourceName), sourceName);
        // Every size later computed from the shape (elements, bytes, offsets) comes from these two products, so they
        // are checked here once: a shape such as (2**62, 4) must not wrap to a small or negative size.
        long elements = 1;
        foreach (var dimension in shape)
        {
            if (dimension != 0 && elements > long.MaxValue / dimension)
                throw new DataFormatException(sourceName, "header 'shape'", "dimensions whose product fits in 64 bits", NpyElementTypes.FormatShape(shape));
            elements *= dimension;
        }
        var itemSize = NpyElementTypes.ItemSize(elementType);
        if (elements > long.MaxValue / itemSize)
            throw new DataFormatException(sourceName, "header 'shape'", $"a data size that fits in 64 bits ({itemSize}-byte elements)", NpyElementTypes.FormatShape(shape));
        return new NpyHeader(elementType, bigEndian, fortranOrder, shape, dataOffset);
    }

    /// <summary>The header dict of an object array ('descr' '|O', 1-D), leaving <paramref name="stream"/> at the
    /// pickle that follows it; anything else is a <see cref="DataFormatException"/>.</summary>
    /// <returns>The array's length.</returns>
    internal static long ReadObjectArrayHeader(Stream stream, string sourceName)
    {
        var (dict, _) = ReadHeaderFields(stream, sourceName);
        if (Require(dict, "descr", sourceName) is not "|O")
            throw new DataFormatException(sourceName, "header 'descr'", "'|O' (an object array, as Keras' imdb.npz stores its reviews)", Show(dict["descr"]));
        var shape = ParseShape(Require(dict, "shape", sourceName), sourceName);
        if (shape.Length != 1)
            throw new DataFormatException(sourceName, "header 'shape'", "a 1-D shape such as (25000,)", Show(dict["shape"]));
        return shape[0];
    }

    /// <summary>Checks the magic and version and parses the header dict; returns it with the first data byte's offset.</summary>
    private static (IReadOnlyDictionary<string, object?> Fields, long DataOffset) ReadHeaderFields(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> start = stackalloc byte[8];
        var read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        // Pickle protocols 2 and later begin with 0x80; np.save(allow_pickle=True) of a non-array writes exactly that.
        if (read > 0 && start[0] == 0x80)
            throw new DataFormatException(sourceName, "magic", MagicExpected, "a Python pickle (LayerScope never unpickles)");
        if (read < start.Length || !start[..6].SequenceEqual(NpyHeaderText.Magic))
            throw new DataFormatException(sourceName, "magic", MagicExpected,
                read == 0 ? "an empty file" : $"the bytes {Convert.ToHexString(start[..read])} (not an .npy file)");

        int major = start[6], minor = start[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new DataFormatException(sourceName, "format version", "1.0, 2.0 or 3.0", $"{major}.{minor}");

        var lengthSize = major == 1 ? 2 : 4;
        Span<byte> lengthBytes = stackalloc byte[lengthSize];
        if (stream.ReadAtLeast(lengthBytes, lengthSize, throwOnEndOfStream: false) < lengthSize)
            throw new DataFormatException(sourceName, "header length", $"{lengthSize} bytes", "the end of the file");
        var headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes)
            : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderLength)
            throw new DataFormatException(sourceName, "header length", $"at most {MaxHeaderLength} bytes", $"{headerLength} bytes");

        var headerBytes = new byte[headerLength];
        read = stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false);
        if (read < headerBytes.Length)
            throw new DataFormatException(sourceName, "header", $"{headerLength} header bytes", $"only {read} before the end of the file");

        // Versions 1 and 2 store the header in latin-1; version 3 exists only to allow UTF-8.
        var text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        return (NpyHeaderParser.Parse(text, sourceName), 6 + 2 + lengthSize + headerLength);
    }

    private static long[] ParseShape(object? value, string sourceName)
    {
        const string field = "header 'shape'";
        var expected = $"a tuple of non-negative integers up to {Array.MaxLength} such as (100, 4)";
        if (value is not PythonSequence sequence)
            throw new DataFormatException(sourceName, field, expected, Show(value));
        var shape = new long[sequence.Items.Count];
        for (var i = 0; i < shape.Length; i++)
        {
            // Rows and columns are indexed with 32-bit integers everywhere downstream, so a larger dimension, even in
            // an empty array such as (3000000000, 0), is refused here rather than overflowing there.
            if (sequence.Items[i] is not long dimension || dimension < 0 || dimension > Array.MaxLength)
                throw new DataFormatException(sourceName, field, expected, Show(value));
            shape[i] = dimension;
        }
        return shape;
    }

    private static object? Require(IReadOnlyDictionary<string, object?> dict, string key, string sourceName) =>
        dict.TryGetValue(key, out var value)
            ? value
            : throw new DataFormatException(sourceName, $"header '{key}'", "the keys 'descr', 'fortran_order' and 'shape'",
                $"no '{key}' key (keys: {string.Join(", ", dict.Keys.Select(k => $"'{k}'"))})");

    /// <summary>A parsed header value written back the way Python shows it.</summary>
    private static string Show(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => $"'{s}'",
        PythonSequence { IsTuple: true, Items.Count: 1 } one => $"({Show(one.Items[0])},)",
        PythonSequence seq => (seq.IsTuple ? "(" : "[") + string.Join(", ", seq.Items.Select(Show)) + (seq.IsTuple ? ")" : "]"),
        IReadOnlyDictionary<string, object?> d => "{" + string.Join(", ", d.Select(kv => $"'{kv.Key}': {Show(kv.Value)}")) + "}",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
