using LayerScope.Rendering.Colormaps;
using LayerScope.Rendering.PlotData;
using ScottPlot;

namespace LayerScope.Rendering.Figures;

/// <summary>
/// Draws a <see cref="ScatterPlotData"/>: one marker-only scatter per class, colored from <see cref="Palette"/>, with a
/// legend of class names to the right of the data area. Axis limits are the data's fixed
/// <see cref="ScatterPlotData.Limits"/> when given, else the points' extent plus 5% (±0.5 when all points are equal,
/// -1..1 when there are none), so the axis area is never empty.
/// </summary>
public sealed class ScatterFigure : IFigure<ScatterPlotData>
{
    /// <summary>Class colors; class k gets color k. Default <see cref="Category10Palette"/>.</summary>
    public ICategoricalPalette Palette { get; init; } = Category10Palette.Instance;

    /// <summary>Marker opacity 0..1 (default 0.85), so dense overlapping classes stay visible.</summary>
    public double MarkerOpacity { get; init; } = 0.85;

    /// <summary>Returns a new plot holding one <see cref="ScottPlot.Plottables.Scatter"/> per class (in class order,
    /// legend text = class name; classes with no points keep their legend entry). The caller disposes it.</summary>
    public Plot BuildPlot(ScatterPlotData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!float.IsFinite(data.PointSize) || data.PointSize <= 0)
            throw new ArgumentException($"PointSize must be a positive number of pixels; given {data.PointSize}.", nameof(data));
        if (!double.IsFinite(MarkerOpacity) || MarkerOpacity < 0 || MarkerOpacity > 1)
            throw new InvalidOperationException($"MarkerOpacity must be between 0 and 1; it is {MarkerOpacity}.");

        return FigureDefaults.Build(data.Title, data.XLabel, data.YLabel, plot =>
        {
            var (xs, ys) = SplitByClass(data);
            for (var c = 0; c < data.ClassNames.Count; c++)
            {
                var scatter = plot.Add.ScatterPoints(xs[c], ys[c], Palette.GetColor(c).WithOpacity(MarkerOpacity));
                scatter.MarkerShape = MarkerShape.FilledCircle;
                scatter.MarkerSize = data.PointSize;
                scatter.LineWidth = 0;
                scatter.LegendText = data.ClassNames[c];
            }
            if (data.ClassNames.Count > 0) plot.ShowLegend(Edge.Right);

            var limits = data.Limits ?? PlotLimits.Enclosing([data]) ?? new PlotLimits(-1, 1, -1, 1);
            plot.Axes.SetLimits(limits.XMin, limits.XMax, limits.YMin, limits.YMax);
        });
    }

    /// <summary>Returns the finite points of each class as separate coordinate arrays.</summary>
    private static (double[][] Xs, double[][] Ys) SplitByClass(ScatterPlotData data)
    {
        var classes = data.ClassNames.Count;
        var counts = new int[classes];
        for (var i = 0; i < data.Count; i++)
        {
            if (IsDrawable(data, i)) counts[data.Labels[i]]++;
        }
        var xs = new double[classes][];
        var ys = new double[classes][];
        for (var c = 0; c < classes; c++)
        {
            xs[c] = new double[counts[c]];
            ys[c] = new double[counts[c]];
        }
        var filled = new int[classes];
        for (var i = 0; i < data.Count; i++)
        {
            if (!IsDrawable(data, i)) continue;
            var c = data.Labels[i];
            xs[c][filled[c]] = data.X[i];
            ys[c][filled[c]] = data.Y[i];
            filled[c]++;
        }
        return (xs, ys);
    }

    private static bool IsDrawable(ScatterPlotData data, int i) => double.IsFinite(data.X[i]) && double.IsFinite(data.Y[i]);
}
