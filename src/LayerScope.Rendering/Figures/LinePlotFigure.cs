using LayerScope.Rendering.Colormaps;
using LayerScope.Rendering.PlotData;
using ScottPlot;

namespace LayerScope.Rendering.Figures;

/// <summary>
/// Draws a <see cref="LinePlotData"/>: one line per series, colored from <see cref="Palette"/> in series order, with a
/// legend of the named series to the right of the data area. Series with at most <see cref="MarkerThreshold"/> points
/// also get a marker on each point, so a short training run's epochs are visible. Non-finite points are skipped.
/// </summary>
public sealed class LinePlotFigure : IFigure<LinePlotData>
{
    /// <summary>Series colors; series k gets color k. Default <see cref="Category10Palette"/>.</summary>
    public ICategoricalPalette Palette { get; init; } = Category10Palette.Instance;

    /// <summary>Line width in pixels (default 2).</summary>
    public float LineWidth { get; init; } = 2;

    /// <summary>Series with this many points or fewer show point markers (default 50).</summary>
    public int MarkerThreshold { get; init; } = 50;

    /// <summary>Returns a new plot holding one <see cref="ScottPlot.Plottables.Scatter"/> line per series, in series
    /// order, legend text = series name. The caller disposes it.</summary>
    public Plot BuildPlot(LinePlotData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FigureDefaults.Build(data.Title, data.XLabel, data.YLabel, plot =>
        {
            var anyPoint = false;
            for (var k = 0; k < data.Series.Count; k++)
            {
                var series = data.Series[k];
                var (x, y) = FinitePoints(series);
                anyPoint |= x.Length > 0;
                var line = plot.Add.ScatterLine(x, y, Palette.GetColor(k));
                line.LineWidth = LineWidth;
                line.MarkerShape = MarkerShape.FilledCircle;
                line.MarkerSize = x.Length <= MarkerThreshold ? 5 : 0;
                line.LegendText = series.Name;
            }
            if (data.Series.Any(s => s.Name.Length > 0)) plot.ShowLegend(Edge.Right);
            if (anyPoint) plot.Axes.AutoScale();
            else plot.Axes.SetLimits(0, 1, 0, 1);
        });
    }

    private static (double[] X, double[] Y) FinitePoints(LineSeries series)
    {
        var keep = 0;
        for (var i = 0; i < series.X.Length; i++)
        {
            if (double.IsFinite(series.X[i]) && double.IsFinite(series.Y[i])) keep++;
        }
        if (keep == series.X.Length) return (series.X, series.Y);
        var x = new double[keep];
        var y = new double[keep];
        for (int i = 0, j = 0; i < series.X.Length; i++)
        {
            if (!double.IsFinite(series.X[i]) || !double.IsFinite(series.Y[i])) continue;
            x[j] = series.X[i];
            y[j] = series.Y[i];
            j++;
        }
        return (x, y);
    }
}
