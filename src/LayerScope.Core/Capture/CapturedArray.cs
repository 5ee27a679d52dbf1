namespace LayerScope.Capture;

/// <summary>The activations of one layer for a whole data set: float32 values in row-major order, the first
/// dimension indexing the examples.</summary>
/// <param name="Layer">The layer's name.</param>
/// <param name="Values">Row-major values; length is the product of <paramref name="Shape"/>.</param>
/// <param name="Shape">[examples, ...the layer's output shape per example].</param>
public sealed record CapturedArray(string Layer, float[] Values, long[] Shape)
{
    /// <summary>Number of examples (the first dimension).</summary>
    public long Count => Shape[0];

    /// <summary>Values per example (the product of the trailing dimensions).</summary>
    public long FeaturesPerExample => Shape.Skip(1).Aggregate(1L, (a, b) => a * b);

    /// <summary>The values as a matrix, one row per example (the trailing axes flattened); not a copy.</summary>
    public Reduction.DenseMatrix ToMatrix() => new(Values, checked((int)Count), checked((int)FeaturesPerExample));

    /// <summary>Example <paramref name="index"/>'s values, flattened.</summary>
    public ReadOnlySpan<float> Example(long index) =>
        Values.AsSpan(checked((int)(index * FeaturesPerExample)), checked((int)FeaturesPerExample));
}
