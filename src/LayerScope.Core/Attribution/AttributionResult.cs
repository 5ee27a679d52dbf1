using LayerScope.Arrays;

namespace LayerScope.Attribution;

/// <summary>What one attribution method says about a batch of inputs, toward one class.</summary>
/// <param name="Method">The method's name as the CLI and run.json write it ("lrp-epsilon", "ig", ...).</param>
/// <param name="Target">The class (index along the scores' last axis) that was explained.</param>
/// <param name="Relevance">One relevance per input element, [N, ...input]; for token inputs the embedding's shape
/// [N, T, E] (sum the last axis with <see cref="PerPosition"/> for one value per token).</param>
/// <param name="ClassScores">The model's scores [N, classes] for the explained inputs (logits where the model ends in
/// a softmax or sigmoid that the method explains below).</param>
/// <param name="ConvergenceDelta">Per example, how far the relevances miss what the method's axiom says they sum to
/// (IG: f(x) − f(baseline); LRP: the explained score); null where the method states no such axiom.</param>
public sealed record AttributionResult(string Method, long Target, Float32Array Relevance, Float32Array ClassScores, double[]? ConvergenceDelta = null)
{
    /// <summary>The relevance summed over the last axis: one value per token (or per time step) of a sequence.</summary>
    public Float32Array PerPosition()
    {
        var shape = Relevance.Shape;
        if (shape.Length < 3) return Relevance;
        long last = shape[^1];
        var values = new float[Relevance.Values.LongLength / last];
        for (long i = 0; i < values.LongLength; i++)
        {
            double sum = 0;
            for (long j = 0; j < last; j++) sum += Relevance.Values[i * last + j];
            values[i] = (float)sum;
        }
        return new Float32Array(Relevance.Name, values, shape[..^1]);
    }

    /// <summary>The sum of each example's relevances (what conservation and completeness talk about).</summary>
    public double[] SumPerExample()
    {
        long per = Relevance.FeaturesPerExample;
        var sums = new double[Relevance.Count];
        for (long n = 0; n < sums.Length; n++)
            for (long j = 0; j < per; j++) sums[n] += Relevance.Values[n * per + j];
        return sums;
    }
}
