using LayerScope.Dynamics;

namespace LayerScope.Tests.Dynamics;

public class HistogramBinningTests
{
    [Fact]
    public void Every_epoch_of_a_series_has_the_same_edges_even_after_the_range_grows()
    {
        var binning = new HistogramBinning(HistogramKind.Weights, new HistogramBinningOptions { InitialBins = 16, MaxBins = 64 });
        var random = new Random(3);
        for (int epoch = 1; epoch <= 6; epoch++)
        {
            // The spread grows 4× per epoch, far past the first epoch's bins: the series must widen, not drift.
            double scale = Math.Pow(4, epoch - 1);
            binning.Add(epoch, [Enumerable.Range(0, 500).Select(_ => (float)((random.NextDouble() - 0.3) * scale)).ToArray()]);
        }
        var series = binning.Result();

        Assert.Equal([1, 2, 3, 4, 5, 6], series.Epochs);
        double width = series.Histograms[0].BinWidth;
        Assert.Equal(Math.Pow(2, Math.Round(Math.Log2(width))), width);
        foreach (var h in series.Histograms)
        {
            Assert.Equal(width, h.BinWidth);
            Assert.Equal(500, h.Counts.Sum());
            Assert.True(h.Counts.Count <= 64, $"{h.Counts.Count} bins");
            Assert.True(h.Edge(0) <= h.Min && h.Max < h.Edge(h.Counts.Count), "the bins cover [min, max]");
        }
    }

    [Fact]
    public void Widening_rebins_earlier_histograms_exactly()
    {
        var values = new[] { -1.0f, -0.26f, 0f, 0.01f, 0.3f, 0.99f };
        var fine = new HistogramBinning(HistogramKind.Weights, new HistogramBinningOptions { InitialBins = 8, MaxBins = 8 });
        fine.Add(1, [values]);
        fine.Add(2, [[-40f, 40f]]); // forces several doublings
        var coarse = fine.Result().Histograms[0];

        // Counting the same values directly into the final bins gives the same counts.
        var direct = values.GroupBy(v => (long)Math.Floor(v / coarse.BinWidth)).ToDictionary(g => g.Key, g => (long)g.Count());
        for (int i = 0; i < coarse.Counts.Count; i++)
            Assert.Equal(direct.GetValueOrDefault(coarse.FirstBin + i), coarse.Counts[i]);
        Assert.Equal(values.Length, coarse.Count);
    }

    [Fact]
    public void Quantiles_follow_the_values_and_non_finite_values_are_counted_apart()
    {
        var binning = new HistogramBinning(HistogramKind.Activations, new HistogramBinningOptions { InitialBins = 100, MaxBins = 200 });
        var values = Enumerable.Range(0, 1001).Select(i => i / 1000f).Append(float.NaN).Append(float.PositiveInfinity).ToArray();
        var h = binning.Add(1, [values]);

        Assert.Equal(2, h.NonFinite);
        Assert.Equal(1001, h.Count);
        Assert.Equal(0.5, h.Quantile(0.5), 0.02);
        Assert.Equal(0.1, h.Quantile(0.1), 0.02);
        Assert.Equal(0, h.Quantile(0));
        Assert.Equal(1, h.Quantile(1));
    }
}
