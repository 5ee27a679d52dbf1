using LayerScope.Reduction;

namespace LayerScope.Arrays;

/// <summary>
/// The one array type from capture to viewer: float32 values in row-major order, a shape, and a name (the layer or
/// array it holds). TorchSharp capture and ONNX capture return it, NPY/NPZ read and write it, runs store it and the
/// server serves it. The first axis indexes the examples (points); the values are not copied on the way through.
/// </summary>
/// <param name="Name">What the values are: a layer name, an array name.</param>
/// <param name="Values">Row-major values; their count is the product of <paramref name="Shape"/>.</param>
/// <param name="Shape">[examples, ...the shape per example].</param>
public sealed record Float32Array(string Name, float[] Values, long[] Shape)
{
    /// <summary>Checks that the shape fits the values (checked arithmetic: a shape read from a file cannot overflow).</summary>
    public string Name { get; init; } = Name ?? throw new ArgumentNullException(nameof(Name));

    /// <summary>The values, row after row.</summary>
    public float[] Values { get; init; } = Values ?? throw new ArgumentNullException(nameof(Values));

    /// <summary>The shape; its product is the number of values.</summary>
    public long[] Shape { get; init; } = Shapes.Require(Shape, Values?.LongLength ?? 0, nameof(Shape));

    /// <summary>Number of examples (the first dimension; 1 for a scalar).</summary>
    public long Count => Shape.Length == 0 ? 1 : Shape[0];

    /// <summary>Values per example (the product of the trailing dimensions).</summary>
    public long FeaturesPerExample => Shapes.Product(Shape.Skip(1));

    /// <summary>Example <paramref name="index"/>'s values, flattened.</summary>
    public ReadOnlySpan<float> Example(long index) =>
        Values.AsSpan(checked((int)(index * FeaturesPerExample)), checked((int)FeaturesPerExample));

    /// <summary>The values as a matrix, one row per example (the trailing axes flattened); not a copy.</summary>
    public DenseMatrix ToMatrix() => new(Values, checked((int)Count), checked((int)FeaturesPerExample));

    /// <summary>A matrix's values as an array [rows, columns] named <paramref name="name"/>; not a copy.</summary>
    public static Float32Array FromMatrix(string name, DenseMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return new Float32Array(name, matrix.Values, [matrix.Rows, matrix.Columns]);
    }

    /// <summary>The shape as people read it: [370, 29, 100].</summary>
    public string ShapeText => Shapes.Format(Shape);
}
