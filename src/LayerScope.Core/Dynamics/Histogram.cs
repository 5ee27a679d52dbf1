using System.Text.Json.Serialization;

namespace LayerScope.Dynamics;

/// <summary>
/// Counts of values in equal bins [k·w, (k+1)·w) for k = <see cref="FirstBin"/> ... FirstBin + Counts.Count − 1, plus
/// the exact count, extremes and moments TensorBoard's <c>HistogramProto</c> carries. Only counts are kept, never
/// the values. Bin edges are multiples of <see cref="BinWidth"/> (a power of two), so two histograms of the same
/// width have the same edges and can be compared bin by bin.
/// </summary>
/// <param name="BinWidth">The width of every bin, a power of two.</param>
/// <param name="FirstBin">The index k of the first bin; its left edge is k·BinWidth.</param>
/// <param name="Counts">Values per bin.</param>
/// <param name="Count">Finite values counted (the sum of <paramref name="Counts"/>).</param>
/// <param name="NonFinite">NaN and infinite values seen, left out of the bins and the moments (an exploding layer).</param>
/// <param name="Min">The smallest finite value; NaN when there is none.</param>
/// <param name="Max">The largest finite value; NaN when there is none.</param>
/// <param name="Sum">The sum of the finite values.</param>
/// <param name="SumSquares">The sum of their squares.</param>
public sealed record Histogram(double BinWidth, long FirstBin, IReadOnlyList<long> Counts, long Count, long NonFinite,
    double Min, double Max, double Sum, double SumSquares)
{
    /// <summary>The left edge of bin <paramref name="i"/> of <see cref="Counts"/> (i = Counts.Count gives the right edge of the last).</summary>
    public double Edge(int i) => (FirstBin + i) * BinWidth;

    /// <summary>The mean of the finite values; NaN when there is none.</summary>
    [JsonIgnore]
    public double Mean => Count == 0 ? double.NaN : Sum / Count;

    /// <summary>The value below which <paramref name="fraction"/> of the values lie, interpolated linearly inside its
    /// bin and clamped to [Min, Max] (how TensorBoard's distributions are drawn from its histograms). NaN when empty.</summary>
    public double Quantile(double fraction)
    {
        if (Count == 0) return double.NaN;
        fraction = Math.Clamp(fraction, 0, 1);
        double target = fraction * Count, cumulative = 0;
        for (int i = 0; i < Counts.Count; i++)
        {
            if (Counts[i] == 0) continue;
            if (cumulative + Counts[i] >= target)
            {
                double inside = (target - cumulative) / Counts[i];
                return Math.Clamp(Edge(i) + inside * BinWidth, Min, Max);
            }
            cumulative += Counts[i];
        }
        return Max;
    }

    /// <summary>This histogram with bins <paramref name="factor"/> times wider (a power of two): exact, because every
    /// wide bin is the union of whole narrow ones.</summary>
    public Histogram Coarsen(int factor)
    {
        if (factor < 1 || (factor & (factor - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be a power of two.");
        if (factor == 1) return this;
        if (Counts.Count == 0) return this with { BinWidth = BinWidth * factor };
        long first = FloorDiv(FirstBin, factor), last = FloorDiv(FirstBin + Counts.Count - 1, factor);
        var counts = new long[last - first + 1];
        for (int i = 0; i < Counts.Count; i++) counts[FloorDiv(FirstBin + i, factor) - first] += Counts[i];
        return this with { BinWidth = BinWidth * factor, FirstBin = first, Counts = counts };
    }

    internal static long FloorDiv(long a, long b) => (long)Math.Floor((double)a / b);
}
