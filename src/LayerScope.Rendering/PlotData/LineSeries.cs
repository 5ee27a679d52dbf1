namespace LayerScope.Rendering.PlotData;

/// <summary>One named line of a <see cref="LinePlotData"/>: for example the training loss per epoch, or one input
/// feature over time steps.</summary>
public sealed record LineSeries
{
    /// <summary>Creates a series; <paramref name="x"/> and <paramref name="y"/> must have the same length. The arrays
    /// are kept, not copied.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public LineSeries(string name, double[] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != y.Length)
            throw new ArgumentException($"Series '{name}': x has {x.Length} values but y has {y.Length}; they must match.", nameof(y));
        Name = name;
        X = x;
        Y = y;
    }

    /// <summary>Creates a series whose x values are 0, 1, 2, ... (for example epoch or time-step indices).</summary>
    public static LineSeries Indexed(string name, double[] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        var x = new double[y.Length];
        for (var i = 0; i < x.Length; i++) x[i] = i;
        return new LineSeries(name, x, y);
    }

    /// <summary>Legend text; empty to leave the series out of the legend.</summary>
    public string Name { get; }

    /// <summary>Horizontal values. Points with a non-finite coordinate are not drawn.</summary>
    public double[] X { get; }

    /// <summary>Vertical values, one per <see cref="X"/>.</summary>
    public double[] Y { get; }
}
