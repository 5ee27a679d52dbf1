namespace LayerScope.Runs;

/// <summary>
/// One relevance map per point (an attribution: which input elements drove the model's score of one class), shown
/// when a point is hovered. The array has one value per input element: for image inputs [N, H·W] or [N, H, W], for
/// value inputs [N, F], for sequence inputs the inputs' own [N, T, F]. Positive values pushed the score of
/// <see cref="Target"/> up, negative ones down.
/// </summary>
/// <param name="Array">The array of relevances.</param>
/// <param name="Method">The attribution method, as <c>layerscope explain</c> names it ("lrp-epsilon", "ig").</param>
/// <param name="Target">The class whose score was explained.</param>
public sealed record RunRelevance(string Array, string Method, long Target)
{
    /// <summary>What a relevance array of <paramref name="shape"/> should be for <paramref name="inputs"/> (whose
    /// array, for values and sequences, has <paramref name="inputShape"/>), or null when it fits. Writer and reader
    /// both ask here, so the writer cannot produce a run the reader refuses.</summary>
    public static string? Mismatch(long[] shape, RunInputs? inputs, long[]? inputShape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long perPoint = 1;
        for (int i = 1; i < shape.Length; i++) perPoint *= shape[i];
        switch (inputs?.Kind)
        {
            case RunInputs.ImageKind when inputs.Width is { } w && inputs.Height is { } h:
                return shape.Length is 2 or 3 && perPoint == (long)w * h ? null : $"[N, {(long)w * h}] or [N, {h}, {w}] (one value per pixel of the image inputs)";
            case RunInputs.ValuesKind or RunInputs.SequenceKind when inputShape is not null:
                return shape.SequenceEqual(inputShape) ? null : $"the inputs' shape [{string.Join(", ", inputShape)}] (one value per input element)";
            default:
                return "image, values or sequence inputs for the relevance maps to be drawn over";
        }
    }
}
