namespace LayerScope.Rendering.PlotData;

/// <summary>Lines sharing one pair of axes: training curves (loss and accuracy per epoch) or input features over
/// time. <see cref="Figures.LinePlotFigure"/> draws it.</summary>
public sealed record LinePlotData
{
    /// <summary>Creates the data; <paramref name="series"/> may be empty (an empty frame is drawn).</summary>
    public LinePlotData(string title, string xLabel, string yLabel, IReadOnlyList<LineSeries> series)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(yLabel);
        ArgumentNullException.ThrowIfNull(series);
        for (var i = 0; i < series.Count; i++)
        {
            if (series[i] is null) throw new ArgumentException($"series[{i}] is null.", nameof(series));
        }
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
        Series = series;
    }

    /// <summary>Title drawn above the plot; empty for none.</summary>
    public string Title { get; }

    /// <summary>Horizontal axis label; empty for none.</summary>
    public string XLabel { get; }

    /// <summary>Vertical axis label; empty for none.</summary>
    public string YLabel { get; }

    /// <summary>The lines, drawn in order, each with the next palette color.</summary>
    public IReadOnlyList<LineSeries> Series { get; }
}
