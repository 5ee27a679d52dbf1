using LayerScope.Errors;
using static TorchSharp.torch;

namespace LayerScope.Attribution;

/// <summary>Settings of <see cref="DeletionCurve"/>.</summary>
public sealed record DeletionOptions
{
    /// <summary>Points on the curve after the start (0 % removed) up to 100 % removed.</summary>
    public int Steps { get; init; } = 20;

    /// <summary>What a removed element becomes (0; the padding token for token ids).</summary>
    public double Fill { get; init; }

    /// <summary>Seeds the random order.</summary>
    public int Seed { get; init; } = 1;
}

/// <summary>The class score as inputs are removed, most relevant first and in random order.</summary>
/// <param name="Fractions">Share of elements removed at each point, 0 to 1.</param>
/// <param name="MostRelevantFirst">Mean score of the explained class over the examples at each point.</param>
/// <param name="Random">The same for a random removal order.</param>
/// <param name="AreaBetween">∫ (random − most relevant first) d fraction: positive when the relevance order finds
/// what the score depends on faster than chance (larger is better).</param>
public sealed record DeletionCurves(double[] Fractions, double[] MostRelevantFirst, double[] Random, double AreaBetween);

/// <summary>
/// Pixel flipping (Samek et al. 2017, "Evaluating the visualization of what a deep neural network has learned"):
/// remove input elements in order of decreasing relevance and watch the class score fall; a good explanation makes it
/// fall faster than a random order. Images [N, C, H, W] are removed pixel by pixel (all channels, relevance summed
/// over channels); token models take one relevance per token (<see cref="AttributionResult.PerPosition"/>).
/// </summary>
public static class DeletionCurve
{
    public static DeletionCurves Compute(IClassScorer scorer, Tensor inputs, AttributionResult attribution, DeletionOptions? options = null)
    {
        options ??= new DeletionOptions();
        if (options.Steps < 1) throw new InvalidSettingsException([$"DeletionOptions.Steps is {options.Steps}; expected at least 1."]);
        using var scope = NewDisposeScope();
        var relevanceArray = attribution.Relevance.Shape.Length > inputs.dim() ? attribution.PerPosition() : attribution.Relevance;
        var relevance = tensor(relevanceArray.Values, relevanceArray.Shape);
        // One score per removable unit: a pixel of an image (channels summed), else an element.
        bool image = inputs.dim() == 4;
        var unitRelevance = image ? relevance.sum(1) : relevance;
        long n = inputs.shape[0];
        var flatRelevance = unitRelevance.reshape(n, -1);
        long units = flatRelevance.shape[1];
        var order = flatRelevance.argsort(1, descending: true);
        var random = new Random(options.Seed);
        var randomOrder = stack(Enumerable.Range(0, (int)n).Select(_ => tensor(Enumerable.Range(0, (int)units).Select(i => (long)i).OrderBy(_ => random.Next()).ToArray())).ToArray());
        var fractions = Enumerable.Range(0, options.Steps + 1).Select(s => (double)s / options.Steps).ToArray();
        var relevant = Curve(scorer, inputs, order, fractions, attribution.Target, options.Fill, image);
        var chance = Curve(scorer, inputs, randomOrder, fractions, attribution.Target, options.Fill, image);
        double area = 0;
        for (int i = 1; i < fractions.Length; i++)
            area += (fractions[i] - fractions[i - 1]) * ((chance[i] - relevant[i]) + (chance[i - 1] - relevant[i - 1])) / 2;
        return new DeletionCurves(fractions, relevant, chance, area);
    }

    private static double[] Curve(IClassScorer scorer, Tensor inputs, Tensor order, double[] fractions, long target, double fill, bool image)
    {
        long n = inputs.shape[0], units = order.shape[1];
        var curve = new double[fractions.Length];
        for (int i = 0; i < fractions.Length; i++)
        {
            using var step = NewDisposeScope();
            long removed = (long)Math.Round(fractions[i] * units);
            var keep = ones(n, units, dtype: ScalarType.Bool);
            if (removed > 0) keep.scatter_(1, order[.., ..(int)removed], zeros(n, removed, dtype: ScalarType.Bool));
            var mask = image ? keep.view(n, 1, inputs.shape[2], inputs.shape[3]) : keep.view(inputs.shape);
            var edited = where(mask, inputs, full_like(inputs, fill));
            curve[i] = scorer.Scores(edited).select(1, target).to(ScalarType.Float64).mean().item<double>();
        }
        return curve;
    }
}

/// <summary>Spearman's rank correlation of two relevance maps, per example (ties by average rank): the figure of the
/// model-randomization sanity check (Adebayo et al. 2018, "Sanity checks for saliency maps"), where a method whose
/// map barely changes when the weights are randomized explains the input, not the model.</summary>
public static class RankCorrelation
{
    // absolute: compare magnitudes (Adebayo et al. report both; the sign of a map often flips).
    public static double[] Spearman(AttributionResult a, AttributionResult b, bool absolute = true)
    {
        if (!a.Relevance.Shape.SequenceEqual(b.Relevance.Shape))
            throw new LayerScopeException($"relevance maps of shapes {a.Relevance.ShapeText} and {b.Relevance.ShapeText} cannot be compared.");
        long per = a.Relevance.FeaturesPerExample;
        var result = new double[a.Relevance.Count];
        for (long e = 0; e < result.Length; e++)
        {
            var x = Ranks(a.Relevance.Example(e), absolute);
            var y = Ranks(b.Relevance.Example(e), absolute);
            double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
            for (int i = 0; i < per; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); syy += (y[i] - my) * (y[i] - my); }
            result[e] = sxx == 0 || syy == 0 ? 0 : sxy / Math.Sqrt(sxx * syy);
        }
        return result;
    }

    private static double[] Ranks(ReadOnlySpan<float> values, bool absolute)
    {
        var v = values.ToArray().Select(x => absolute ? Math.Abs((double)x) : x).ToArray();
        var index = Enumerable.Range(0, v.Length).OrderBy(i => v[i]).ToArray();
        var ranks = new double[v.Length];
        for (int i = 0; i < index.Length;)
        {
            int j = i;
            while (j + 1 < index.Length && v[index[j + 1]] == v[index[i]]) j++;
            for (int k = i; k <= j; k++) ranks[index[k]] = (i + j) / 2.0;
            i = j + 1;
        }
        return ranks;
    }
}
