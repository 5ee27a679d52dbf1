using LayerScope.Errors;

namespace LayerScope.Storage.Npy;

/// <summary>Interprets a header's 'descr' value ("&lt;f4", "&gt;i8", "|b1") and refuses everything LayerScope does not
/// read, saying what it is.</summary>
internal static class NpyDescr
{
    public const string Field = "header 'descr'";
    public const string Expected = "a numeric dtype such as '<f4' (bool, int8 to int64, uint8 to uint64, float32 or float64)";

    /// <summary>The element type and byte order of <paramref name="descr"/> (a string, or a list for structured
    /// dtypes, as parsed from the header).</summary>
    public static (NpyElementType ElementType, bool IsBigEndian) Parse(object? descr, string sourceName)
    {
        if (descr is PythonSequence)
            throw Refuse(sourceName, "a list of fields (a structured dtype; save each field as its own array)");
        if (descr is not string text)
            throw Refuse(sourceName, $"{Describe(descr)} (not a dtype string)");

        var hasOrder = text.Length > 0 && text[0] is '<' or '>' or '|' or '=';
        var order = hasOrder ? text[0] : '=';
        var body = hasOrder ? text[1..] : text;
        var bigEndian = order switch
        {
            '>' => true,
            '<' => false,
            _ => !BitConverter.IsLittleEndian, // '=' and '|' mean the writer's native order; '|' only on 1-byte types
        };
        if (body.Length == 0) throw Refuse(sourceName, $"'{text}' (no type code)");

        var kind = body[0];
        var sizeText = body[1..];
        var hasSize = int.TryParse(sizeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size);
        if (kind == '?' && sizeText.Length == 0) { size = 1; hasSize = true; }
        if (hasSize && NpyElementTypes.FromKind(kind, size) is { } elementType) return (elementType, bigEndian);

        throw Refuse(sourceName, $"'{text}' ({Explain(kind, hasSize ? size : null)})");
    }

    private static string Explain(char kind, int? size) => kind switch
    {
        'O' => "object array; LayerScope never unpickles",
        'U' => "a unicode string array",
        'S' or 'a' => "a bytes string array",
        'V' => "raw bytes or a structured record",
        'c' => "complex numbers",
        'M' => "datetimes",
        'm' => "timedeltas",
        'f' when size == 2 => "float16; convert it with array.astype('<f4')",
        'f' when size is 12 or 16 => "extended-precision float; convert it with array.astype('<f8')",
        'b' or 'i' or 'u' or 'f' => $"an item size of {size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} bytes, which this kind does not have",
        _ => "an unknown type code",
    };

    private static string Describe(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        _ => value.ToString() ?? "",
    };

    private static DataFormatException Refuse(string sourceName, string actual) =>
        new(sourceName, Field, Expected, actual);
}
