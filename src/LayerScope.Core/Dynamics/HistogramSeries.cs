using System.Text.Json.Serialization;

namespace LayerScope.Dynamics;

/// <summary>What a histogram of a layer counts.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HistogramKind>))]
public enum HistogramKind
{
    /// <summary>The layer's weight matrices (every parameter whose name starts with "weight").</summary>
    Weights,
    /// <summary>Its bias vectors (parameters whose name starts with "bias").</summary>
    Biases,
    /// <summary>The gradient of the loss with respect to the weights, at the last step of the epoch.</summary>
    WeightGradients,
    /// <summary>The gradient with respect to the biases, at the last step of the epoch.</summary>
    BiasGradients,
    /// <summary>The layer's outputs on the fixed probe batch after the epoch.</summary>
    Activations,
}

/// <summary>One layer's histograms of one <see cref="HistogramKind"/>, one per checkpoint, all with the same bins
/// (<see cref="HistogramBinning"/>), so epoch e and epoch e' are drawn and compared on one axis.</summary>
/// <param name="Kind">What is counted.</param>
/// <param name="Epochs">The checkpoint (epoch) of each histogram.</param>
/// <param name="Histograms">One per entry of <paramref name="Epochs"/>, all of one <see cref="Histogram.BinWidth"/>.</param>
public sealed record HistogramSeries(HistogramKind Kind, IReadOnlyList<int> Epochs, IReadOnlyList<Histogram> Histograms)
{
    /// <summary>The common bin width.</summary>
    [JsonIgnore]
    public double BinWidth => Histograms.Count == 0 ? double.NaN : Histograms[0].BinWidth;

    /// <summary>TensorBoard's distribution levels: the minimum, the normal distribution's ±1.5σ, ±1σ, ±0.5σ points, the
    /// median and the maximum (the report's and the viewer's bands both use them).</summary>
    public static IReadOnlyList<double> DistributionLevels { get; } = [0, 0.0668, 0.1587, 0.3085, 0.5, 0.6915, 0.8413, 0.9332, 1];

    /// <summary>Per level of <paramref name="levels"/>, the value at that quantile for every epoch of the series.</summary>
    public IReadOnlyList<double[]> Quantiles(IReadOnlyList<double> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        return [.. levels.Select(level => Histograms.Select(h => h.Quantile(level)).ToArray())];
    }
}
