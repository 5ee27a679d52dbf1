using ScottPlot;

namespace LayerScope.Rendering.Figures;

/// <summary>
/// Turns one kind of plain plot data into a ScottPlot <see cref="Plot"/>. The figure holds only style (palette,
/// colormap); the data comes with each call. PNG rendering and saving are extension methods in
/// <see cref="FigureExtensions"/>, so a figure implements this one method.
/// </summary>
/// <typeparam name="TData">The plot-data record the figure draws.</typeparam>
public interface IFigure<in TData>
{
    /// <summary>Returns a new, fully configured plot of <paramref name="data"/>. The caller owns the plot and must
    /// dispose it; tests use it to inspect plottables and legend items without decoding pixels.</summary>
    Plot BuildPlot(TData data);
}
