namespace LayerScope.Storage.Npy;

/// <summary>The numpy element types LayerScope reads and writes. The values are stable: new types are added at the
/// end.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name",
    Justification = "The members are numpy's dtype names (int8, float32), which users of .npy files know.")]
public enum NpyElementType
{
    /// <summary>numpy <c>bool</c> ('|b1'), one byte per element, held as <see cref="bool"/>.</summary>
    Bool,

    /// <summary>numpy <c>int8</c> ('|i1'), held as <see cref="sbyte"/>.</summary>
    Int8,

    /// <summary>numpy <c>uint8</c> ('|u1'), held as <see cref="byte"/>.</summary>
    UInt8,

    /// <summary>numpy <c>int16</c> ('&lt;i2'), held as <see cref="short"/>.</summary>
    Int16,

    /// <summary>numpy <c>int32</c> ('&lt;i4'), held as <see cref="int"/>.</summary>
    Int32,

    /// <summary>numpy <c>int64</c> ('&lt;i8'), held as <see cref="long"/>.</summary>
    Int64,

    /// <summary>numpy <c>float32</c> ('&lt;f4'), held as <see cref="float"/>.</summary>
    Float32,

    /// <summary>numpy <c>float64</c> ('&lt;f8'), held as <see cref="double"/>.</summary>
    Float64,

    /// <summary>numpy <c>uint16</c> ('&lt;u2'), held as <see cref="ushort"/>.</summary>
    UInt16,

    /// <summary>numpy <c>uint32</c> ('&lt;u4'), held as <see cref="uint"/>.</summary>
    UInt32,

    /// <summary>numpy <c>uint64</c> ('&lt;u8'), held as <see cref="ulong"/>.</summary>
    UInt64,
}
