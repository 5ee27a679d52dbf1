using LayerScope.Rendering.PlotData;
using ScottPlot;

namespace LayerScope.Rendering.Figures;

/// <summary>
/// Draws a <see cref="RelevanceOverlayData"/>: the image as grey cells over its own range, and on top the relevance
/// on <see cref="DivergingColormap"/> over ±<see cref="RelevanceOverlayData.Extent"/> (zero is the colormap's white
/// middle), each cell as opaque as |relevance| / extent (times <see cref="MaxOpacity"/>), with a colorbar. A pixel
/// that did not matter shows the image; one that pushed the score up is red, down blue (heatmapping.org's convention).
/// </summary>
public sealed class RelevanceOverlayFigure : IFigure<RelevanceOverlayData>
{
    /// <summary>Colormap of the relevance (default cmocean Balance: blue, white at zero, red), as <see cref="HeatmapFigure"/>'s.</summary>
    public IColormap DivergingColormap { get; init; } = new ScottPlot.Colormaps.Balance();

    /// <summary>Opacity of the strongest relevance, 0–255 (default 230: the image stays faintly visible under it).</summary>
    public byte MaxOpacity { get; init; } = 230;

    public Plot BuildPlot(RelevanceOverlayData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var problems = data.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(data));
        return FigureDefaults.Build(data.Title, "x", "y", plot =>
        {
            int rows = data.Image.GetLength(0), columns = data.Image.GetLength(1);
            var image = plot.Add.Heatmap(Finite(data.Image));
            image.Colormap = new ScottPlot.Colormaps.Grayscale();
            var (min, max) = Range(data.Image);
            image.ManualRange = min < max ? new ScottPlot.Range(min, max) : new ScottPlot.Range(min - 0.5, max + 0.5);

            double extent = data.Extent;
            var relevance = plot.Add.Heatmap(Finite(data.Relevance));
            relevance.Colormap = DivergingColormap;
            // Symmetric about zero, so zero is the neutral middle color whatever the signs' balance.
            relevance.ManualRange = new ScottPlot.Range(-(extent > 0 ? extent : 1), extent > 0 ? extent : 1);
            relevance.AlphaMap = Opacity(data.Relevance, extent, MaxOpacity);
            var colorbar = plot.Add.ColorBar(relevance, Edge.Right);
            colorbar.Label = "relevance (red for, blue against)";

            plot.HideGrid();
            plot.Axes.SetLimits(-0.5, columns - 0.5, -0.5, rows - 0.5);
        });
    }

    /// <summary>Per cell, 0 (transparent) at relevance 0 up to <paramref name="maxOpacity"/> at ±extent.</summary>
    public static byte[,] Opacity(double[,] relevance, double extent, byte maxOpacity)
    {
        ArgumentNullException.ThrowIfNull(relevance);
        var alpha = new byte[relevance.GetLength(0), relevance.GetLength(1)];
        if (!(extent > 0)) return alpha;
        for (int r = 0; r < alpha.GetLength(0); r++)
            for (int c = 0; c < alpha.GetLength(1); c++)
            {
                var v = relevance[r, c];
                alpha[r, c] = double.IsFinite(v) ? (byte)Math.Round(Math.Min(1, Math.Abs(v) / extent) * maxOpacity) : (byte)0;
            }
        return alpha;
    }

    private static double[,] Finite(double[,] values)
    {
        var copy = (double[,])values.Clone();
        for (int r = 0; r < copy.GetLength(0); r++)
            for (int c = 0; c < copy.GetLength(1); c++)
                if (!double.IsFinite(copy[r, c])) copy[r, c] = 0;
        return copy;
    }

    private static (double Min, double Max) Range(double[,] values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return min <= max ? (min, max) : (0, 1);
    }
}
