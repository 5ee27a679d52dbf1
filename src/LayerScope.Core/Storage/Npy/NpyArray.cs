namespace LayerScope.Storage.Npy;

/// <summary>An n-dimensional array as NPY files hold it: a flat, C-ordered data array and a shape.</summary>
public sealed class NpyArray
{
    private NpyArray(NpyElementType elementType, long[] shape, Array data)
    {
        ElementType = elementType;
        Shape = shape;
        Data = data;
    }

    public NpyElementType ElementType { get; }

    public long[] Shape { get; }

    /// <summary>The values, 1-D, in C order.</summary>
    public Array Data { get; }

    public long Length => Data.LongLength;

    public static NpyArray Create<T>(T[] data, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (var d in shape) count *= d;
        if (count != data.LongLength)
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] holds {count} values, data has {data.LongLength}.", nameof(shape));
        return new NpyArray(NpyFormat.ElementTypeOf(typeof(T)), (long[])shape.Clone(), data);
    }

    public T[] GetData<T>() => Data as T[]
        ?? throw new InvalidCastException($"The array holds {ElementType}, not {typeof(T).Name}.");

    public float[] ToFloat32() => Convert(static v => (float)v);

    public double[] ToFloat64() => Convert(static v => v);

    public long[] ToInt64() => Convert(static v => (long)v);

    private T[] Convert<T>(Func<double, T> cast)
    {
        if (Data is T[] same) return (T[])same.Clone();
        var result = new T[Data.LongLength];
        for (long i = 0; i < result.LongLength; i++)
            result[i] = cast(System.Convert.ToDouble(Data.GetValue(i), System.Globalization.CultureInfo.InvariantCulture));
        return result;
    }
}
