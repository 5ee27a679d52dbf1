using System.Numerics;
using LayerScope.Errors;

namespace LayerScope.Storage.Npy;

/// <summary>
/// An n-dimensional array as numpy stores it: an element type, a shape, and the elements in C (row-major) order in one
/// flat .NET array. The array is not copied on the way in or out, so large results cost their size once.
/// </summary>
public sealed class NpyArray
{
    private readonly long[] _shape;

    internal NpyArray(NpyElementType elementType, long[] shape, Array data)
    {
        ElementType = elementType;
        _shape = shape;
        Data = data;
        Length = data.LongLength;
    }

    /// <summary>The element type; <see cref="Data"/> holds the matching .NET type (Float32: float[]).</summary>
    public NpyElementType ElementType { get; }

    /// <summary>The size of each dimension; empty for a 0-d (scalar) array. A copy: changing it changes nothing.</summary>
    public long[] Shape => (long[])_shape.Clone();

    /// <summary>Number of dimensions (0 for a scalar).</summary>
    public int Rank => _shape.Length;

    /// <summary>The elements in C order, as a 1-D bool[], sbyte[], byte[], short[], ushort[], int[], uint[], long[],
    /// ulong[], float[] or double[]. Not a copy.</summary>
    public Array Data { get; }

    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long Length { get; }

    /// <summary>Wraps <paramref name="data"/> (C order, not copied) with <paramref name="shape"/>; the element type
    /// follows from <typeparamref name="T"/>. An empty shape makes a scalar, which needs exactly one element.</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension, its product is not the data's length,
    /// or <typeparamref name="T"/> is not a type numpy files hold.</exception>
    public static NpyArray Create<T>(T[] data, params long[] shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        var elementType = NpyElementTypes.FromClrType<T>();
        long product = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
                throw new ArgumentException($"Shape {NpyElementTypes.FormatShape(shape)} has a negative dimension.", nameof(shape));
            product = checked(product * dimension);
        }
        if (product != data.LongLength)
            throw new ArgumentException(
                $"Shape {NpyElementTypes.FormatShape(shape)} needs {product} elements but the data has {data.LongLength}"
                + (shape.Length == 0 ? " (an empty shape is a scalar; pass the shape, e.g. Create(data, data.Length))." : "."),
                nameof(shape));
        return new NpyArray(elementType, (long[])shape.Clone(), data);
    }

    /// <summary>The elements as <typeparamref name="T"/>[], not copied. <typeparamref name="T"/> must be exactly the
    /// stored type; use <see cref="ToFloat32"/>, <see cref="ToFloat64"/> or <see cref="ToInt64"/> to convert.</summary>
    /// <exception cref="LayerScopeException">The array holds another element type.</exception>
    public T[] GetData<T>() where T : unmanaged
    {
        // Compare types rather than test `Data is T[]`: the runtime lets sbyte[] pass as byte[] and int[] as uint[].
        if (typeof(T) == NpyElementTypes.ClrType(ElementType)) return (T[])Data;
        throw new LayerScopeException(
            $"The array holds {NpyElementTypes.NumpyName(ElementType)} elements ({NpyElementTypes.ClrType(ElementType).Name}), "
            + $"but {typeof(T).Name} elements were requested; use ToFloat32(), ToFloat64() or ToInt64() to convert.");
    }

    /// <summary>A new float[] with every element converted (bool: 0 or 1; wide integers and doubles round to the
    /// nearest float).</summary>
    public float[] ToFloat32() => ConvertTo<float>();

    /// <summary>The array as LayerScope's one array type, named <paramref name="name"/>: the float32 values themselves
    /// when the file holds float32 (not copied), else converted as <see cref="ToFloat32"/> does.</summary>
    public Arrays.Float32Array ToFloat32Array(string name) =>
        new(name, ElementType == NpyElementType.Float32 ? (float[])Data : ToFloat32(), Shape);

    /// <summary>Wraps <paramref name="array"/>'s values (not copied) for writing as float32.</summary>
    public static NpyArray From(Arrays.Float32Array array)
    {
        ArgumentNullException.ThrowIfNull(array);
        return new NpyArray(NpyElementType.Float32, (long[])array.Shape.Clone(), array.Values);
    }

    /// <summary>A new double[] with every element converted (bool: 0 or 1).</summary>
    public double[] ToFloat64() => ConvertTo<double>();

    /// <summary>A new long[] with every element converted (bool: 0 or 1; floating-point values are truncated toward
    /// zero and saturate at the range of long; NaN becomes 0).</summary>
    public long[] ToInt64() => ConvertTo<long>();

    internal long[] ShapeView => _shape;

    private TOut[] ConvertTo<TOut>() where TOut : INumberBase<TOut> => ElementType switch
    {
        NpyElementType.Bool => ConvertBool<TOut>((bool[])Data),
        NpyElementType.Int8 => Convert<sbyte, TOut>((sbyte[])Data),
        NpyElementType.UInt8 => Convert<byte, TOut>((byte[])Data),
        NpyElementType.Int16 => Convert<short, TOut>((short[])Data),
        NpyElementType.UInt16 => Convert<ushort, TOut>((ushort[])Data),
        NpyElementType.Int32 => Convert<int, TOut>((int[])Data),
        NpyElementType.UInt32 => Convert<uint, TOut>((uint[])Data),
        NpyElementType.Int64 => Convert<long, TOut>((long[])Data),
        NpyElementType.UInt64 => Convert<ulong, TOut>((ulong[])Data),
        NpyElementType.Float32 => Convert<float, TOut>((float[])Data),
        NpyElementType.Float64 => Convert<double, TOut>((double[])Data),
        _ => throw new InvalidOperationException($"Unknown element type {ElementType}."),
    };

    private static TOut[] Convert<TIn, TOut>(TIn[] source) where TIn : INumberBase<TIn> where TOut : INumberBase<TOut>
    {
        var result = new TOut[source.LongLength];
        for (long i = 0; i < source.LongLength; i++) result[i] = TOut.CreateSaturating(source[i]);
        return result;
    }

    private static TOut[] ConvertBool<TOut>(bool[] source) where TOut : INumberBase<TOut>
    {
        var result = new TOut[source.LongLength];
        for (long i = 0; i < source.LongLength; i++) result[i] = source[i] ? TOut.One : TOut.Zero;
        return result;
    }
}
