namespace LayerScope.Rendering.PlotData;

/// <summary>
/// Points to draw as a scatter plot, one color per class: typically a 2-D embedding of one layer's activations,
/// labelled by the true class. Plain data with no drawing types, so the report, the command line and a server can share
/// it; <see cref="Figures.ScatterFigure"/> draws it.
/// </summary>
public sealed record ScatterPlotData
{
    /// <summary>Creates the data. <paramref name="x"/>, <paramref name="y"/> and <paramref name="labels"/> must have one
    /// entry per point, and every label must index <paramref name="classNames"/>. The arrays are kept, not copied.</summary>
    /// <exception cref="ArgumentException">Lengths differ or a label is outside 0..classNames.Count-1.</exception>
    public ScatterPlotData(double[] x, double[] y, int[] labels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (y.Length != x.Length)
            throw new ArgumentException($"x has {x.Length} points but y has {y.Length}; they must match.", nameof(y));
        if (labels.Length != x.Length)
            throw new ArgumentException($"x has {x.Length} points but labels has {labels.Length}; they must match.", nameof(labels));
        for (var i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException(
                    $"labels[{i}] is {labels[i]}, but there are {classNames.Count} class names, so labels must be 0..{classNames.Count - 1}.",
                    nameof(labels));
        }
        for (var c = 0; c < classNames.Count; c++)
        {
            if (classNames[c] is null) throw new ArgumentException($"classNames[{c}] is null.", nameof(classNames));
        }
        X = x;
        Y = y;
        Labels = labels;
        ClassNames = classNames;
    }

    /// <summary>Horizontal coordinate of each point. Points with a non-finite coordinate are not drawn.</summary>
    public double[] X { get; }

    /// <summary>Vertical coordinate of each point.</summary>
    public double[] Y { get; }

    /// <summary>Optional third coordinate (one per point) for future 3-D views; 2-D figures ignore it.</summary>
    public double[]? Z { get; init; }

    /// <summary>The class index of each point, indexing <see cref="ClassNames"/>.</summary>
    public int[] Labels { get; }

    /// <summary>The legend text of each class, in class-index order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Title drawn above the plot; empty for none.</summary>
    public string Title { get; init; } = "";

    /// <summary>Horizontal axis label; empty for none.</summary>
    public string XLabel { get; init; } = "";

    /// <summary>Vertical axis label; empty for none.</summary>
    public string YLabel { get; init; } = "";

    /// <summary>Fixed axis limits, or null to fit the data. See <see cref="PlotLimits.Enclosing"/> for a sequence.</summary>
    public PlotLimits? Limits { get; init; }

    /// <summary>Marker diameter in pixels (default 5).</summary>
    public float PointSize { get; init; } = 5;

    /// <summary>The number of points.</summary>
    public int Count => X.Length;
}
