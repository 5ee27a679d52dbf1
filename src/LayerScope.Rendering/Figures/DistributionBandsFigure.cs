using LayerScope.Rendering.PlotData;
using ScottPlot;

namespace LayerScope.Rendering.Figures;

/// <summary>Draws <see cref="DistributionBands"/>: for each pair of mirrored levels a filled band, the outer ones
/// lightest, and the median as a line, as TensorBoard draws its distributions.</summary>
public sealed class DistributionBandsFigure : IFigure<DistributionBands>
{
    /// <summary>The band color (default Category10's first, TensorBoard-like orange is its second).</summary>
    public Color Color { get; init; } = new(0xFF, 0x7F, 0x0E);

    public Plot BuildPlot(DistributionBands data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FigureDefaults.Build(data.Title, data.XLabel, data.YLabel, plot =>
        {
            int levels = data.Levels.Length, pairs = levels / 2;
            for (int i = 0; i < pairs; i++)
            {
                var (x, low, high) = Finite(data.X, data.Values[i], data.Values[levels - 1 - i]);
                if (x.Length == 0) continue;
                var band = plot.Add.FillY(x, low, high);
                band.FillColor = Color.WithAlpha(0.18 + 0.16 * i);
                band.LineWidth = 0;
                band.MarkerSize = 0;
            }
            if (levels % 2 == 1)
            {
                var (x, median, _) = Finite(data.X, data.Values[pairs], data.Values[pairs]);
                var line = plot.Add.ScatterLine(x, median, Color);
                line.LineWidth = 1.5f;
                line.LegendText = "median";
            }
            plot.Axes.AutoScale();
        });
    }

    private static (double[] X, double[] A, double[] B) Finite(double[] x, double[] a, double[] b)
    {
        var keep = Enumerable.Range(0, x.Length).Where(i => double.IsFinite(x[i]) && double.IsFinite(a[i]) && double.IsFinite(b[i])).ToArray();
        return (keep.Select(i => x[i]).ToArray(), keep.Select(i => a[i]).ToArray(), keep.Select(i => b[i]).ToArray());
    }
}
