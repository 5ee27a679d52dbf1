using LayerScope.Rendering.PlotData;
using ScottPlot;

namespace LayerScope.Rendering.Figures;

/// <summary>
/// Draws an <see cref="ImageGridData"/>: every tile as a heatmap in its own unit square, its label under it and its
/// box as a red outline, on one frameless plot. Each tile is one ScottPlot heatmap placed by position, so a grid of
/// hundreds of tiles is one figure, not hundreds.
/// </summary>
public sealed class ImageGridFigure : IFigure<ImageGridData>
{
    /// <summary>Space between tiles, as a share of a tile.</summary>
    private const double Gap = 0.12;

    /// <summary>Room under each tile for its label, as a share of a tile.</summary>
    private const double LabelRoom = 0.32;

    /// <summary>Color of non-finite cells (padding outside an image).</summary>
    public Color MissingColor { get; init; } = Color.FromHex("#d0d0d0");

    /// <summary>A figure size that gives each tile about <paramref name="tilePixels"/> pixels.</summary>
    public static FigureSize SizeFor(ImageGridData data, int tilePixels = 72)
    {
        ArgumentNullException.ThrowIfNull(data);
        int columns = Math.Max(1, Math.Min(data.Columns, data.Tiles.Count));
        int width = (int)Math.Ceiling(columns * tilePixels * (1 + Gap)) + 40;
        int height = (int)Math.Ceiling(Math.Max(1, data.Rows) * tilePixels * (1 + Gap + LabelRoom)) + (data.Title.Length > 0 ? 60 : 20);
        return new FigureSize(Math.Max(width, 240), Math.Max(height, 120));
    }

    public Plot BuildPlot(ImageGridData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var problems = data.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(data));
        return FigureDefaults.Build(data.Title, "", "", plot =>
        {
            double stepX = 1 + Gap, stepY = 1 + Gap + LabelRoom;
            for (int i = 0; i < data.Tiles.Count; i++)
            {
                var tile = data.Tiles[i];
                double left = i % data.Columns * stepX, top = -(i / data.Columns) * stepY;
                var coloring = tile.Coloring ?? data.Coloring;
                var (values, min, max) = Colorable(tile.Values, coloring, data.GreyRange);
                var heatmap = plot.Add.Heatmap(values);
                heatmap.Position = new CoordinateRect(left, left + 1, top - 1, top);
                heatmap.Colormap = coloring switch
                {
                    TileColoring.Grey => new ScottPlot.Colormaps.Grayscale(),
                    TileColoring.Diverging => new ScottPlot.Colormaps.Balance(),
                    _ => new ScottPlot.Colormaps.Viridis(),
                };
                heatmap.ManualRange = new ScottPlot.Range(min, max);
                heatmap.NaNCellColor = MissingColor;
                if (tile.Box is { } box)
                {
                    double cellW = 1.0 / tile.Values.GetLength(1), cellH = 1.0 / tile.Values.GetLength(0);
                    var rectangle = plot.Add.Rectangle(left + box.Left * cellW, left + (box.Left + box.Columns) * cellW,
                        top - (box.Top + box.Rows) * cellH, top - box.Top * cellH);
                    rectangle.FillStyle.Color = Colors.Transparent;
                    rectangle.LineStyle.Color = Colors.Red;
                    rectangle.LineStyle.Width = 1.5f;
                }
                if (tile.Label.Length > 0)
                {
                    var text = plot.Add.Text(tile.Label, left + 0.5, top - 1 - Gap / 2);
                    text.LabelFontSize = 10;
                    text.LabelAlignment = Alignment.UpperCenter;
                }
            }
            plot.Axes.Frameless();
            plot.HideGrid();
            int columns = Math.Max(1, Math.Min(data.Columns, data.Tiles.Count));
            plot.Axes.SetLimits(-Gap / 2, columns * stepX - Gap / 2, -Math.Max(1, data.Rows) * stepY, Gap / 2);
        });
    }

    /// <summary>The values to draw and their color range: grey tiles as they are over the fixed range, heat tiles over
    /// their own finite range (a constant tile over ±0.5 around its value); infinities become NaN (missing).</summary>
    private static (double[,] Values, double Min, double Max) Colorable(double[,] values, TileColoring coloring, (double Minimum, double Maximum) greyRange)
    {
        var copy = (double[,])values.Clone();
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int r = 0; r < copy.GetLength(0); r++)
            for (int c = 0; c < copy.GetLength(1); c++)
            {
                double v = copy[r, c];
                if (!double.IsFinite(v)) { copy[r, c] = double.NaN; continue; }
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        if (coloring == TileColoring.Grey) return (copy, greyRange.Minimum, greyRange.Maximum);
        if (min > max) return (copy, 0, 1);
        if (coloring == TileColoring.Diverging)
        {
            // Symmetric about zero, so 0 is the map's white middle whatever the balance of signs.
            double extent = Math.Max(Math.Abs(min), Math.Abs(max));
            return extent > 0 ? (copy, -extent, extent) : (copy, -1, 1);
        }
        return min == max ? (copy, min - 0.5, max + 0.5) : (copy, min, max);
    }
}
