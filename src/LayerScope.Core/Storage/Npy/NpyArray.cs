namespace LayerScope.Storage.Npy;

/// <summary>An n-dimensional array as stored in an NPY file (C order). TEMP stand-in until the storage branch is
/// merged: float32 and int64 only.</summary>
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
    public Array Data { get; }
    public long Length => Data.LongLength;

    public static NpyArray Create<T>(T[] data, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        var type = data switch
        {
            float[] => NpyElementType.Float32,
            long[] => NpyElementType.Int64,
            double[] => NpyElementType.Float64,
            int[] => NpyElementType.Int32,
            _ => throw new NotSupportedException($"NPY stand-in: {typeof(T).Name} is not supported."),
        };
        long length = shape.Aggregate(1L, (a, b) => a * b);
        if (length != data.LongLength) throw new ArgumentException($"Shape ({string.Join(", ", shape)}) needs {length} values; {data.LongLength} given.");
        return new NpyArray(type, shape, data);
    }

    public T[] GetData<T>() => Data as T[] ?? throw new InvalidCastException($"The array holds {ElementType}, not {typeof(T).Name}.");

    public float[] ToFloat32() => Data switch
    {
        float[] f => f,
        double[] d => d.Select(v => (float)v).ToArray(),
        long[] l => l.Select(v => (float)v).ToArray(),
        int[] i => i.Select(v => (float)v).ToArray(),
        _ => throw new NotSupportedException(),
    };

    public double[] ToFloat64() => Data switch
    {
        float[] f => f.Select(v => (double)v).ToArray(),
        double[] d => d,
        long[] l => l.Select(v => (double)v).ToArray(),
        int[] i => i.Select(v => (double)v).ToArray(),
        _ => throw new NotSupportedException(),
    };

    public long[] ToInt64() => Data switch
    {
        long[] l => l,
        int[] i => i.Select(v => (long)v).ToArray(),
        float[] f => f.Select(v => (long)v).ToArray(),
        double[] d => d.Select(v => (long)v).ToArray(),
        _ => throw new NotSupportedException(),
    };
}
