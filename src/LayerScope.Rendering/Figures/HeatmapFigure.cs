using System.Globalization;
using LayerScope.Rendering.PlotData;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace LayerScope.Rendering.Figures;

/// <summary>
/// Draws a <see cref="HeatmapData"/> as colored cells with a colorbar on the right. Row 0 is at the top. When the finite
/// values have both signs, <see cref="DivergingColormap"/> is used over a range symmetric about zero (so zero is the
/// neutral middle color); otherwise <see cref="SequentialColormap"/> spans the values' range. Non-finite cells are
/// drawn in <see cref="MissingColor"/>. Axis ticks show the tick labels (or indices), thinned to at most
/// <see cref="MaxTickLabels"/> per axis. With <see cref="HeatmapScaling.PerRow"/> each row is drawn over its own
/// range (see <see cref="ScaleRows"/>): the colorbar then runs over −1..1 (or 0..1) and says that rows are scaled
/// individually, and each row's tick label carries the row's range, so no number is lost.
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
            bool perRow = data.Scaling == HeatmapScaling.PerRow;
            if (min <= max)
            {
                if (perRow) AddRowScaledHeatmap(plot, data, diverging: min < 0 && max > 0);
                else AddHeatmap(plot, data.Values, data.ColorbarLabel, min, max);
            }
            else
            {
                // No finite value at all: ScottPlot cannot scale colors, so every cell shows as missing.
                plot.DataBackground.Color = MissingColor;
            }

            // ScottPlot centres cell (row, column) on x = column, y = rows - 1 - row (row 0 at the top).
            plot.Axes.Bottom.TickGenerator = Ticks(columns, data.ColumnTickLabels, i => i);
            var rowLabels = perRow && min <= max ? RowLabelsWithRanges(data, diverging: min < 0 && max > 0) : data.RowTickLabels;
            plot.Axes.Left.TickGenerator = Ticks(rows, rowLabels, i => rows - 1 - i);
            plot.HideGrid();
            plot.Axes.SetLimits(-0.5, columns - 0.5, -0.5, rows - 0.5);
        });
    }

    /// <summary>
    /// Returns a copy of <paramref name="values"/> with each row scaled to its own range: when
    /// <paramref name="diverging"/>, divided by the row's largest finite |value| (so −1..1, zero stays zero; a row of
    /// zeros stays zero); otherwise mapped from the row's minimum (0) to its maximum (1), a constant row to 0.5.
    /// Non-finite cells become NaN (drawn as missing).
    /// </summary>
    public static double[,] ScaleRows(double[,] values, bool diverging)
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), columns = values.GetLength(1);
        var scaled = new double[rows, columns];
        for (var r = 0; r < rows; r++)
        {
            var (min, max) = RowRange(values, r);
            double extent = Math.Max(Math.Abs(min), Math.Abs(max));
            for (var c = 0; c < columns; c++)
            {
                var v = values[r, c];
                scaled[r, c] = !double.IsFinite(v) ? double.NaN
                    : diverging ? (extent > 0 ? v / extent : 0)
                    : max > min ? (v - min) / (max - min) : 0.5;
            }
        }
        return scaled;
    }

    private void AddRowScaledHeatmap(Plot plot, HeatmapData data, bool diverging)
    {
        var scaled = ScaleRows(data.Values, diverging);
        // The label says what a color means now: a share of the row's own range, not a value of the whole matrix.
        // Kept short: the colorbar is as tall as the plot, and the row labels carry each row's range.
        var label = diverging ? $"{data.ColorbarLabel} (each row scaled to ±1)" : $"{data.ColorbarLabel} (each row scaled to 0…1)";
        var colorbar = AddHeatmap(plot, scaled, label, diverging ? -1 : 0, 1);
        colorbar.LabelStyle.FontSize = 13; // a little smaller than axis labels, so the longer text fits short figures
    }

    /// <summary>Each row's tick label (or index) followed by the row's range, since per-row colors alone no longer
    /// tell a row of ±60 from one of ±0.5.</summary>
    private static string[] RowLabelsWithRanges(HeatmapData data, bool diverging)
    {
        var labels = new string[data.Rows];
        for (var r = 0; r < data.Rows; r++)
        {
            var name = data.RowTickLabels?[r] ?? r.ToString(CultureInfo.InvariantCulture);
            var (min, max) = RowRange(data.Values, r);
            labels[r] = min > max ? $"{name} (no values)"
                : diverging ? $"{name} (±{Number(Math.Max(Math.Abs(min), Math.Abs(max)))})"
                : $"{name} ({Number(min)}…{Number(max)})";
        }
        return labels;
    }

    private static string Number(double value) => value.ToString("g3", CultureInfo.InvariantCulture);

    private ScottPlot.Panels.ColorBar AddHeatmap(Plot plot, double[,] values, string colorbarLabel, double min, double max)
    {
        // ScottPlot scales colors over all values, including infinities (which throw); show those as missing too.
        var heatmap = plot.Add.Heatmap(WithInfinitiesAsNaN(values));
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
        colorbar.Label = colorbarLabel;
        return colorbar;
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
            ticks.AddMajor(position(i), labels?[i] ?? i.ToString(CultureInfo.InvariantCulture));
        }
        return ticks;
    }

    /// <summary>Returns the smallest and largest finite values of row <paramref name="row"/>, or (+inf, -inf).</summary>
    private static (double Min, double Max) RowRange(double[,] values, int row)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (var c = 0; c < values.GetLength(1); c++)
        {
            var v = values[row, c];
            if (!double.IsFinite(v)) continue;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return (min, max);
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
