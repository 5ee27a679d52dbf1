namespace LayerScope.Dynamics;

/// <summary>Where <see cref="DynamicsDiagnosis"/> draws its lines.</summary>
public sealed record DynamicsDiagnosisOptions
{
    /// <summary>A layer whose gradient norm at the last epoch is below this fraction of the largest layer's is
    /// vanishing (its weights barely learn while others do).</summary>
    public double VanishingFraction { get; init; } = 1e-4;

    /// <summary>A layer whose gradient norm at the last epoch exceeds this, or grew more than
    /// <see cref="ExplodingGrowth"/> times from the first epoch, is exploding; so is one with non-finite values.</summary>
    public double ExplodingNorm { get; init; } = 1e3;

    /// <summary>See <see cref="ExplodingNorm"/>.</summary>
    public double ExplodingGrowth { get; init; } = 1e3;
}

/// <summary>One layer's health at the end of training.</summary>
/// <param name="Layer">The module's name.</param>
/// <param name="ModuleType">Its type.</param>
/// <param name="Units">Units of a ReLU-family layer; null for other layers.</param>
/// <param name="DeadUnits">Units never active on the probe batch after the last epoch (indices).</param>
/// <param name="GradientNorm">The last epoch's gradient norm; NaN for a layer without parameters.</param>
/// <param name="UpdateRatio">The last epoch's update-to-weight ratio; NaN without parameters.</param>
/// <param name="Vanishing">The gradient is vanishing (<see cref="DynamicsDiagnosisOptions.VanishingFraction"/>).</param>
/// <param name="Exploding">The gradient is exploding (<see cref="DynamicsDiagnosisOptions.ExplodingNorm"/>).</param>
public sealed record LayerHealth(string Layer, string ModuleType, int? Units, IReadOnlyList<int> DeadUnits, double GradientNorm,
    double UpdateRatio, bool Vanishing, bool Exploding)
{
    /// <summary>Whether anything is flagged.</summary>
    public bool Flagged => DeadUnits.Count > 0 || Vanishing || Exploding;
}

/// <summary>Flags dead ReLU units and vanishing or exploding gradient layers from a <see cref="TrainingDynamics"/>.</summary>
public static class DynamicsDiagnosis
{
    /// <summary>One row per layer that has parameters or unit activity, in the model's order.</summary>
    public static IReadOnlyList<LayerHealth> Diagnose(TrainingDynamics dynamics, DynamicsDiagnosisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        options ??= new DynamicsDiagnosisOptions();
        double largest = dynamics.Layers.Select(l => Last(l.GradientNorms)).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        var rows = new List<LayerHealth>();
        foreach (var layer in dynamics.Layers)
        {
            bool hasParameters = layer.Series(HistogramKind.Weights) is not null || layer.GradientNorms.Any(double.IsFinite);
            if (!hasParameters && layer.UnitActivity.Count == 0) continue;
            var activity = layer.UnitActivity.Count > 0 ? layer.UnitActivity[^1] : null;
            var dead = activity is null ? [] : Enumerable.Range(0, activity.Count).Where(u => activity[u] == 0).ToList();
            double norm = Last(layer.GradientNorms), first = layer.GradientNorms.FirstOrDefault(double.IsFinite, double.NaN);
            bool nonFinite = layer.GradientNorms.Any(g => double.IsInfinity(g))
                || layer.Histograms.Any(s => s.Histograms.Any(h => h.NonFinite > 0));
            bool exploding = hasParameters && (nonFinite || norm > options.ExplodingNorm || (first > 0 && norm / first > options.ExplodingGrowth));
            bool vanishing = hasParameters && !exploding && double.IsFinite(norm) && largest > 0 && norm < options.VanishingFraction * largest;
            rows.Add(new LayerHealth(layer.Name, layer.ModuleType, activity?.Count, dead, norm, Last(layer.UpdateRatios), vanishing, exploding));
        }
        return rows;
    }

    private static double Last(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values[^1];
}
