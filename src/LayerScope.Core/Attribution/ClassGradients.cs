using LayerScope.Arrays;
using LayerScope.Errors;
using LayerScope.Gradients;
using static TorchSharp.torch;

namespace LayerScope.Attribution;

/// <summary>One forward and backward pass: the gradient of class <c>k</c>'s score with respect to the source (the
/// input, or the embedding for token ids), the source's value and the scores. Shared by every gradient method.</summary>
internal static class ClassGradients
{
    // replacement: a value used in place of the source (an interpolated or noisy input, or embedding).
    public static (Tensor Gradient, Tensor Source, Tensor Scores) Compute(ExplainedModel explained, Tensor input, long target, Tensor? replacement = null)
    {
        var feed = explained.Embedding is null && replacement is not null ? replacement : input;
        var overrides = explained.Embedding is not null && replacement is not null
            ? new Dictionary<string, Tensor> { [explained.Embedding] = replacement } : null;
        var request = new ForwardRequest([explained.Output], explained.Embedding is null ? null : [explained.Embedding], Overrides: overrides);
        using var forward = explained.Model.Forward(new Dictionary<string, Tensor> { [explained.Input] = feed }, request);
        var scores = AsMatrix(forward[explained.Output], explained.Output);
        CheckTarget(target, scores, explained.Output);
        var gradient = forward.Gradient(explained.Output, GradientSelector.Unit(target), explained.Source);
        var source = forward.Sources[explained.Source];
        return (gradient.detach().clone().MoveToOuterDisposeScope(), source.detach().clone().MoveToOuterDisposeScope(),
            scores.detach().clone().MoveToOuterDisposeScope());
    }

    /// <summary>Scores without gradients (for f(baseline) and deletion curves).</summary>
    public static Tensor Scores(ExplainedModel explained, Tensor input, Tensor? replacement = null)
    {
        var feed = explained.Embedding is null && replacement is not null ? replacement : input;
        var overrides = explained.Embedding is not null && replacement is not null
            ? new Dictionary<string, Tensor> { [explained.Embedding] = replacement } : null;
        using var forward = explained.Model.Forward(new Dictionary<string, Tensor> { [explained.Input] = feed },
            new ForwardRequest([explained.Output], Gradients: false, Overrides: overrides));
        return AsMatrix(forward[explained.Output], explained.Output).detach().clone().MoveToOuterDisposeScope();
    }

    /// <summary>The source tensor's value (the embedding of <paramref name="input"/> for token-id models).</summary>
    public static Tensor SourceValue(ExplainedModel explained, Tensor input)
    {
        if (explained.Embedding is null) return input.detach().clone();
        using var forward = explained.Model.Forward(new Dictionary<string, Tensor> { [explained.Input] = input },
            new ForwardRequest([explained.Embedding], Gradients: false));
        return forward[explained.Embedding].detach().clone().MoveToOuterDisposeScope();
    }

    public static Tensor AsMatrix(Tensor scores, string name) => scores.dim() switch
    {
        1 => scores.unsqueeze(1),
        2 => scores,
        _ => throw new LayerScopeException($"'{name}' has shape [{string.Join(", ", scores.shape)}]; ExplainedModel.Output must name class scores [N, classes]."),
    };

    public static void CheckTarget(long target, Tensor scores, string name)
    {
        if (target < 0 || target >= scores.shape[1])
            throw new InvalidSettingsException([$"target class {target} is outside the {scores.shape[1]} scores of '{name}' (0 to {scores.shape[1] - 1})."]);
    }

    public static Float32Array ToArray(string name, Tensor tensor)
    {
        using var values = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        return new Float32Array(name, values.data<float>().ToArray(), values.shape);
    }

    /// <summary>Per example: Σ relevance − expected.</summary>
    public static double[] Delta(Tensor relevance, Tensor expected)
    {
        using var sums = relevance.detach().to(ScalarType.Float64).flatten(1).sum(1);
        using var gap = sums - expected.detach().to(ScalarType.Float64);
        return gap.cpu().data<double>().ToArray();
    }
}
