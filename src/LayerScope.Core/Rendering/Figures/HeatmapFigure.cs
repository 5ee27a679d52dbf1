using LayerScope.Rendering.PlotData;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace LayerScope.Rendering.Figures;

/// <summary>
/// Draws a <see cref="HeatmapData"/> as colored cells with a colorbar on the right. Row 0 is at the top. When the finite
/// values have both signs, <see cref="DivergingColormap"/> is used over a range symmetric about zero (so zero is the
/// neutral middle color); otherwise <see cref="SequentialColormap"/> spans the values' range. Non-finite cells are
/// drawn in <see cref="MissingColor"/>. Axis ticks show the tick labels (or indices), thinned to at most
/// <see cref="MaxTickLabels"/> per axis.
/// </summary>
public sealed class HeatmapFigure : IFigure<HeatmapData>
{
    /// <summary>Colormap for values of one sign (default Viridis).</summary>
    public IColormap SequentialColormap { get; init; } = new ScottPlot.Colormaps.Viridis();

    /// <summary>Colormap for values of both signs (default cmocean Balance: blue, white at zero, red).</summary>
    public IColormap DivergingColormap { get; init; } = new ScottPlot.Colormaps.Balance();

    /// <summary>Color of non-finite cells (default light gray).</summary>
    public Color MissingColor { get; init; } = Color.FromHex("#d0d0d0");

    /// <summary>The most tick labels drawn on one axis (default 30); with more rows or columns, every k-th is drawn.</summary>
    public int MaxTickLabels { get; init; } = 30;

    /// <summary>Returns true when the finite values include both a negative and a positive number, i.e. when the
    /// diverging colormap is used.</summary>
    public static bool IsDiverging(double[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var (min, max) = FiniteRange(values);
        return min < 0 && max > 0;
    }

    /// <summary>Returns a new plot holding one <see cref="ScottPlot.Plottables.Heatmap"/> (none when the matrix is
    /// empty) and a colorbar labelled <see cref="HeatmapData.ColorbarLabel"/>. The caller disposes it.</summary>
    public Plot BuildPlot(HeatmapData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (MaxTickLabels < 1) throw new InvalidOperationException($"MaxTickLabels must be at least 1; it is {MaxTickLabels}.");

        return FigureDefaults.Build(data.Title, data.ColumnLabel, data.RowLabel, plot =>
        {
            int rows = data.Rows, columns = data.Columns;
            if (rows == 0 || columns == 0)
            {
                plot.Axes.SetLimits(-0.5, Math.Max(columns, 1) - 0.5, -0.5, Math.Max(rows, 1) - 0.5);
                return;
            }

            var (min, max) = FiniteRange(data.Values);
            if (min <= max)
            {
                AddHeatmap(plot, data, min, max);
            }
            else
            {
                // No finite value at all: ScottPlot cannot scale colors, so every cell shows as missing.
                plot.DataBackground.Color = MissingColor;
            }

            // ScottPlot centres cell (row, column) on x = column, y = rows - 1 - row (row 0 at the top).
            plot.Axes.Bottom.TickGenerator = Ticks(columns, data.ColumnTickLabels, i => i);
            plot.Axes.Left.TickGenerator = Ticks(rows, data.RowTickLabels, i => rows - 1 - i);
            plot.HideGrid();
            plot.Axes.SetLimits(-0.5, columns - 0.5, -0.5, rows - 0.5);
        });
    }

    private void AddHeatmap(Plot plot, HeatmapData data, double min, double max)
    {
        // ScottPlot scales colors over all values, including infinities (which throw); show those as missing too.
        var heatmap = plot.Add.Heatmap(WithInfinitiesAsNaN(data.Values));
        if (min < 0 && max > 0)
        {
            var extent = Math.Max(-min, max);
            heatmap.ManualRange = new ScottPlot.Range(-extent, extent);
            heatmap.Colormap = DivergingColormap;
        }
        else
        {
            if (min == max) (min, max) = (min - 0.5, max + 0.5);
            heatmap.ManualRange = new ScottPlot.Range(min, max);
            heatmap.Colormap = SequentialColormap;
        }
        heatmap.NaNCellColor = MissingColor;

        var colorbar = plot.Add.ColorBar(heatmap, Edge.Right);
        colorbar.Label = data.ColorbarLabel;
    }

    /// <summary>Returns <paramref name="values"/> itself when it has no infinity, else a copy with infinities as NaN.</summary>
    private static double[,] WithInfinitiesAsNaN(double[,] values)
    {
        var any = false;
        foreach (var v in values) any |= double.IsInfinity(v);
        if (!any) return values;
        var copy = (double[,])values.Clone();
        for (var r = 0; r < copy.GetLength(0); r++)
            for (var c = 0; c < copy.GetLength(1); c++)
                if (double.IsInfinity(copy[r, c])) copy[r, c] = double.NaN;
        return copy;
    }

    private NumericManual Ticks(int count, IReadOnlyList<string>? labels, Func<int, double> position)
    {
        var ticks = new NumericManual();
        var stride = (count + MaxTickLabels - 1) / MaxTickLabels;
        for (var i = 0; i < count; i += stride)
        {
            ticks.AddMajor(position(i), labels?[i] ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return ticks;
    }

    /// <summary>Returns the smallest and largest finite values, or (+inf, -inf) when there is none.</summary>
    private static (double Min, double Max) FiniteRange(double[,] values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return (min, max);
    }
}
