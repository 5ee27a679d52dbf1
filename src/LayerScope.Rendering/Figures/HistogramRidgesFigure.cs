using LayerScope.Rendering.PlotData;
using ScottPlot;

namespace LayerScope.Rendering.Figures;

/// <summary>
/// Draws <see cref="HistogramRidges"/>: each histogram as a filled outline on its own baseline, the first epoch at the
/// top (the back) and each later one a step lower and in front, heights on one scale (the largest count of all) so
/// that epochs compare; the ridges overlap like TensorBoard's "offset" histograms. The left axis names the epochs.
/// </summary>
public sealed class HistogramRidgesFigure : IFigure<HistogramRidges>
{
    /// <summary>How many baseline steps the tallest bin rises (above 1 the ridges overlap).</summary>
    public double Overlap { get; init; } = 2.5;

    /// <summary>The oldest ridge's color; later ridges move toward <see cref="NewestColor"/>.</summary>
    public Color OldestColor { get; init; } = new(0xC6, 0xDB, 0xEF);

    /// <summary>The newest ridge's color.</summary>
    public Color NewestColor { get; init; } = new(0x08, 0x45, 0x94);

    public Plot BuildPlot(HistogramRidges data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FigureDefaults.Build(data.Title, data.XLabel, "epoch", plot =>
        {
            int n = data.Ridges.Count;
            double tallest = data.Ridges.SelectMany(r => r.Counts).DefaultIfEmpty(0).Max();
            var ticks = new List<(double Position, string Label)>();
            for (int k = 0; k < n; k++)
            {
                var ridge = data.Ridges[k];
                double baseline = n - 1 - k;
                ticks.Add((baseline, ridge.Label));
                if (ridge.Counts.Length == 0) continue;
                var outline = new List<Coordinates> { new(ridge.Edges[0], baseline) };
                for (int i = 0; i < ridge.Counts.Length; i++)
                {
                    double height = baseline + (tallest > 0 ? ridge.Counts[i] / tallest * Overlap : 0);
                    outline.Add(new Coordinates(ridge.Edges[i], height));
                    outline.Add(new Coordinates(ridge.Edges[i + 1], height));
                }
                outline.Add(new Coordinates(ridge.Edges[^1], baseline));
                var polygon = plot.Add.Polygon(outline.ToArray());
                double t = n == 1 ? 1 : (double)k / (n - 1);
                polygon.FillColor = Blend(OldestColor, NewestColor, t).WithAlpha(0.85);
                polygon.LineColor = Colors.White;
                polygon.LineWidth = 1;
            }
            // At most about a dozen labels, so that long runs stay legible.
            int every = Math.Max(1, (int)Math.Ceiling(n / 12.0));
            var shown = ticks.Where((_, i) => i % every == 0 || i == n - 1).ToArray();
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(shown.Select(t => t.Position).ToArray(), shown.Select(t => t.Label).ToArray());
            plot.Axes.AutoScale();
        });
    }

    private static Color Blend(Color a, Color b, double t) => new(
        (byte)Math.Round(a.R + (b.R - a.R) * t), (byte)Math.Round(a.G + (b.G - a.G) * t), (byte)Math.Round(a.B + (b.B - a.B) * t));
}
