namespace LayerScope.Arrays;

/// <summary>Shape arithmetic in one place: products are checked, so a shape read from a file cannot wrap around.</summary>
public static class Shapes
{
    /// <summary>The number of elements of <paramref name="shape"/> (1 for the empty shape of a scalar).</summary>
    /// <exception cref="OverflowException">The product does not fit a long.</exception>
    /// <exception cref="ArgumentException">A dimension is negative.</exception>
    public static long Product(IEnumerable<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long product = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0) throw new ArgumentException($"Shape has a negative dimension {dimension}.", nameof(shape));
            product = checked(product * dimension);
        }
        return product;
    }

    /// <summary><paramref name="shape"/> (copied) when its product is <paramref name="length"/>; else an exception
    /// naming both.</summary>
    public static long[] Require(long[] shape, long length, string parameter)
    {
        ArgumentNullException.ThrowIfNull(shape, parameter);
        long product = Product(shape);
        if (product != length)
            throw new ArgumentException($"Shape {Format(shape)} holds {product} values; {length} were given.", parameter);
        return (long[])shape.Clone();
    }

    /// <summary>The shape as people read it: [370, 29, 100].</summary>
    public static string Format(IEnumerable<long> shape) =>
        "[" + string.Join(", ", shape.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
