namespace LayerScope.Dynamics;

/// <summary>How <see cref="HistogramBinning"/> chooses and extends its bins.</summary>
public sealed record HistogramBinningOptions
{
    /// <summary>Bins across the first observation's range (the width is then rounded up to a power of two).</summary>
    public int InitialBins { get; init; } = 48;

    /// <summary>The most bins one histogram may span; wider ranges double the width of every histogram of the series.</summary>
    public int MaxBins { get; init; } = 256;

    /// <summary>Throws <see cref="Errors.InvalidSettingsException"/> listing every invalid setting.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (InitialBins < 1) problems.Add($"HistogramBinningOptions.InitialBins {InitialBins} is invalid; it must be at least 1.");
        if (MaxBins < InitialBins) problems.Add($"HistogramBinningOptions.MaxBins {MaxBins} is invalid; it must be at least InitialBins ({InitialBins}).");
        Errors.InvalidSettingsException.ThrowIfAny(problems);
    }
}

/// <summary>
/// Accumulates one series of histograms with bins comparable across epochs: the width is chosen from the first
/// observation (its range over <see cref="HistogramBinningOptions.InitialBins"/>, rounded up to a power of two, edges
/// at multiples of it), later observations extend the bins to either side, and a range wider than
/// <see cref="HistogramBinningOptions.MaxBins"/> bins doubles the width of the whole series, re-binning the earlier
/// histograms exactly. Every histogram of a series therefore always has the same edges.
/// </summary>
public sealed class HistogramBinning
{
    private readonly HistogramBinningOptions _options;
    private readonly List<Histogram> _histograms = [];
    private readonly List<int> _epochs = [];

    public HistogramBinning(HistogramKind kind, HistogramBinningOptions? options = null)
    {
        _options = options ?? new HistogramBinningOptions();
        _options.Validate();
        Kind = kind;
    }

    /// <summary>What the series counts.</summary>
    public HistogramKind Kind { get; }

    /// <summary>The current bin width; NaN before the first observation.</summary>
    public double BinWidth { get; private set; } = double.NaN;

    /// <summary>Counts <paramref name="values"/> (several tensors of one checkpoint are passed together) as the
    /// histogram of <paramref name="epoch"/>.</summary>
    public Histogram Add(int epoch, IReadOnlyList<float[]> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, squares = 0;
        long count = 0, nonFinite = 0;
        foreach (var part in values)
        {
            foreach (var v in part)
            {
                if (!float.IsFinite(v)) { nonFinite++; continue; }
                if (v < min) min = v;
                if (v > max) max = v;
                sum += v;
                squares += (double)v * v;
                count++;
            }
        }
        if (count == 0)
            return Store(epoch, new Histogram(double.IsNaN(BinWidth) ? 1 : BinWidth, 0, [], 0, nonFinite, double.NaN, double.NaN, 0, 0));

        if (double.IsNaN(BinWidth)) BinWidth = InitialWidth(min, max);
        while (Bin(max) - Bin(min) + 1 > _options.MaxBins) Widen();
        long first = Bin(min);
        var counts = new long[Bin(max) - first + 1];
        foreach (var part in values)
        {
            foreach (var v in part)
            {
                if (float.IsFinite(v)) counts[Bin(v) - first]++;
            }
        }
        return Store(epoch, new Histogram(BinWidth, first, counts, count, nonFinite, min, max, sum, squares));
    }

    /// <summary>The series so far.</summary>
    public HistogramSeries Result() => new(Kind, [.. _epochs], [.. _histograms]);

    private Histogram Store(int epoch, Histogram histogram)
    {
        _epochs.Add(epoch);
        _histograms.Add(histogram);
        return histogram;
    }

    private long Bin(double value) => (long)Math.Floor(value / BinWidth);

    private void Widen()
    {
        BinWidth *= 2;
        for (int i = 0; i < _histograms.Count; i++)
            _histograms[i] = _histograms[i].Count == 0 ? _histograms[i] with { BinWidth = BinWidth } : _histograms[i].Coarsen(2);
    }

    private double InitialWidth(double min, double max)
    {
        // A constant tensor (a zero-initialised bias) has no range: give it one relative to its magnitude, so that
        // the series starts fine-grained and widens as training spreads the values.
        double range = max - min;
        if (!(range > 0)) range = Math.Max(Math.Abs(max), 1e-6) * 1e-2;
        return Math.Pow(2, Math.Ceiling(Math.Log2(range / _options.InitialBins)));
    }
}
