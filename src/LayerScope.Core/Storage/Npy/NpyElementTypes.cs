namespace LayerScope.Storage.Npy;

/// <summary>Facts about each <see cref="NpyElementType"/>: its size, its numpy spelling and its .NET type.</summary>
internal static class NpyElementTypes
{
    /// <summary>Bytes per element in a file.</summary>
    public static int ItemSize(NpyElementType type) => type switch
    {
        NpyElementType.Bool or NpyElementType.Int8 or NpyElementType.UInt8 => 1,
        NpyElementType.Int16 or NpyElementType.UInt16 => 2,
        NpyElementType.Int32 or NpyElementType.UInt32 or NpyElementType.Float32 => 4,
        NpyElementType.Int64 or NpyElementType.UInt64 or NpyElementType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an NPY element type."),
    };

    /// <summary>The numpy name, as users know it from <c>array.dtype</c> ("float32").</summary>
    public static string NumpyName(NpyElementType type) => type switch
    {
        NpyElementType.Bool => "bool",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>The little-endian descr LayerScope writes ("&lt;f4"; "|u1" where byte order does not apply).</summary>
    public static string Descr(NpyElementType type)
    {
        var kind = type switch
        {
            NpyElementType.Bool => 'b',
            NpyElementType.Float32 or NpyElementType.Float64 => 'f',
            NpyElementType.UInt8 or NpyElementType.UInt16 or NpyElementType.UInt32 or NpyElementType.UInt64 => 'u',
            _ => 'i',
        };
        var size = ItemSize(type);
        return $"{(size == 1 ? '|' : '<')}{kind}{size}";
    }

    /// <summary>The element type for a numpy kind character and item size, or null when LayerScope has none.</summary>
    public static NpyElementType? FromKind(char kind, int size) => (kind, size) switch
    {
        ('b' or '?', 1) => NpyElementType.Bool,
        ('i', 1) => NpyElementType.Int8,
        ('i', 2) => NpyElementType.Int16,
        ('i', 4) => NpyElementType.Int32,
        ('i', 8) => NpyElementType.Int64,
        ('u', 1) => NpyElementType.UInt8,
        ('u', 2) => NpyElementType.UInt16,
        ('u', 4) => NpyElementType.UInt32,
        ('u', 8) => NpyElementType.UInt64,
        ('f', 4) => NpyElementType.Float32,
        ('f', 8) => NpyElementType.Float64,
        _ => null,
    };

    /// <summary>The .NET element type of <see cref="NpyArray.Data"/>.</summary>
    public static Type ClrType(NpyElementType type) => type switch
    {
        NpyElementType.Bool => typeof(bool),
        NpyElementType.Int8 => typeof(sbyte),
        NpyElementType.UInt8 => typeof(byte),
        NpyElementType.Int16 => typeof(short),
        NpyElementType.UInt16 => typeof(ushort),
        NpyElementType.Int32 => typeof(int),
        NpyElementType.UInt32 => typeof(uint),
        NpyElementType.Int64 => typeof(long),
        NpyElementType.UInt64 => typeof(ulong),
        NpyElementType.Float32 => typeof(float),
        NpyElementType.Float64 => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an NPY element type."),
    };

    /// <summary>The element type held as <typeparamref name="T"/>; throws for .NET types numpy files cannot hold.</summary>
    public static NpyElementType FromClrType<T>()
    {
        foreach (var type in Enum.GetValues<NpyElementType>())
            if (ClrType(type) == typeof(T)) return type;
        throw new ArgumentException(
            $"NPY arrays hold bool, sbyte, byte, short, ushort, int, uint, long, ulong, float or double elements, not {typeof(T).Name}.");
    }

    /// <summary>numpy's spelling of a shape: "()", "(3,)", "(100, 4)".</summary>
    public static string FormatShape(IReadOnlyList<long> shape) => shape.Count switch
    {
        0 => "()",
        1 => $"({shape[0]},)",
        _ => "(" + string.Join(", ", shape) + ")",
    };
}
