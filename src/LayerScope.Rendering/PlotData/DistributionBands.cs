namespace LayerScope.Rendering.PlotData;

/// <summary>
/// TensorBoard's "distributions" view as data: at every x (epoch) the values at <see cref="Levels"/> (fractions, in
/// increasing order, symmetric about the median, e.g. 0, 0.07, 0.16, 0.31, 0.5, 0.69, 0.84, 0.93, 1), drawn as nested
/// bands between level i and its mirror, darker toward the median. <see cref="Figures.DistributionBandsFigure"/> draws it.
/// </summary>
/// <param name="Title">Above the plot.</param>
/// <param name="XLabel">The horizontal axis ("epoch").</param>
/// <param name="YLabel">The vertical axis ("weight").</param>
/// <param name="X">One value per column.</param>
/// <param name="Levels">The quantile fractions, increasing, an odd count with the median in the middle.</param>
/// <param name="Values">Per level, one value per x.</param>
public sealed record DistributionBands(string Title, string XLabel, string YLabel, double[] X, double[] Levels, IReadOnlyList<double[]> Values)
{
    /// <summary>TensorBoard's levels: the minimum, the normal distribution's ±1.5σ, ±1σ, ±0.5σ points, the median and the maximum.</summary>
    public static IReadOnlyList<double> TensorBoardLevels => Dynamics.HistogramSeries.DistributionLevels;
}

/// <summary>
/// TensorBoard's "histograms" view as data: one histogram per epoch, drawn as ridges offset in depth (the first epoch
/// at the back, the last in front), all on one value axis. <see cref="Figures.HistogramRidgesFigure"/> draws it.
/// </summary>
/// <param name="Title">Above the plot.</param>
/// <param name="XLabel">The value axis ("activation").</param>
/// <param name="Ridges">Oldest first.</param>
public sealed record HistogramRidges(string Title, string XLabel, IReadOnlyList<HistogramRidge> Ridges);

/// <summary>One ridge: bin edges (one more than counts) and counts, labelled by its epoch.</summary>
public sealed record HistogramRidge(string Label, double[] Edges, double[] Counts);
