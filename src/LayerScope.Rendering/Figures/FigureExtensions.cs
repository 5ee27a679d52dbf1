using LayerScope.Storage;
using ScottPlot;

namespace LayerScope.Rendering.Figures;

/// <summary>PNG output for every <see cref="IFigure{TData}"/>. Rendering is headless (SkiaSharp) and needs no
/// display.</summary>
public static class FigureExtensions
{
    /// <summary>Returns the PNG file bytes of <paramref name="data"/> drawn by <paramref name="figure"/> at
    /// <paramref name="size"/> (default <see cref="FigureSize.Default"/>, 800 x 600).</summary>
    public static byte[] RenderPng<TData>(this IFigure<TData> figure, TData data, FigureSize? size = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        ArgumentNullException.ThrowIfNull(data);
        size ??= FigureSize.Default;
        using var plot = figure.BuildPlot(data);
        return plot.GetImageBytes(size.Width, size.Height, ImageFormat.Png);
    }

    /// <summary>Renders like <see cref="RenderPng{TData}"/> and writes the PNG to <paramref name="path"/> atomically
    /// (through <see cref="AtomicFile"/>), creating the folder when needed.</summary>
    public static void SavePng<TData>(this IFigure<TData> figure, TData data, string path, FigureSize? size = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var png = figure.RenderPng(data, size);
        AtomicFile.WriteAllBytes(path, png);
    }
}
