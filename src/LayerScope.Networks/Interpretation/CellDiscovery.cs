using LayerScope.Text;

namespace LayerScope.Interpretation;

/// <summary>
/// Finds interpretable cells automatically: correlates every cell of every layer with every context feature over the
/// same passage and keeps the best cells per feature (Karpathy, Johnson and Fei-Fei 2015 found quote, line-position
/// and bracket-depth cells by eye; this finds them by correlation).
/// </summary>
public static class CellDiscovery
{
    /// <summary>For each feature that varies over the passage, the <paramref name="top"/> cells with the largest |r|.
    /// Features that are constant over the passage (no quotes at all, say) are left out.</summary>
    /// <exception cref="ArgumentException">A layer's step count differs from a feature's length.</exception>
    public static IReadOnlyList<FeatureCells> Rank(IReadOnlyList<LayerStates> layers, IReadOnlyList<ContextFeature> features, int top = 5)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var result = new List<FeatureCells>();
        foreach (var feature in features)
        {
            var all = new List<CellCorrelation>();
            foreach (var layer in layers)
            {
                if (layer.Steps != feature.Values.Length)
                    throw new ArgumentException($"layer '{layer.Layer}' has {layer.Steps} steps but feature '{feature.Name}' has "
                        + $"{feature.Values.Length} values; they must describe the same passage.", nameof(layers));
                for (int cell = 0; cell < layer.Units; cell++)
                {
                    double r = Pearson(layer.Unit(cell), feature.Values);
                    if (double.IsFinite(r)) all.Add(new CellCorrelation(layer.Layer, cell, r));
                }
            }
            if (all.Count == 0) continue; // the feature (or every cell) is constant here
            var magnitudes = all.Select(c => Math.Abs(c.R)).Order().ToArray();
            double median = magnitudes.Length % 2 == 1
                ? magnitudes[magnitudes.Length / 2]
                : (magnitudes[magnitudes.Length / 2 - 1] + magnitudes[magnitudes.Length / 2]) / 2;
            result.Add(new FeatureCells(feature, all.OrderByDescending(c => Math.Abs(c.R)).Take(top).ToList(), median));
        }
        return result;
    }

    /// <summary>Pearson correlation of two equally long series; NaN when either is constant.</summary>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"x has {x.Count} values but y has {y.Count}.", nameof(y));
        int n = x.Count;
        if (n < 2) return double.NaN;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx <= 0 || syy <= 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }
}
