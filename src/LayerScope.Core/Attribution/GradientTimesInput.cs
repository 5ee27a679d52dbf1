using static TorchSharp.torch;

namespace LayerScope.Attribution;

/// <summary>Gradient × Input (Shrikumar et al. 2016, "Not just a black box"): x ⊙ ∂f_k/∂x. One backward pass; on a
/// ReLU network without biases it equals LRP-0 (Montavon et al. 2019, section 10.2), which the tests check.</summary>
public sealed class GradientTimesInput(ExplainedModel explained)
{
    public const string Name = "gradient-x-input";

    public AttributionResult Attribute(Tensor inputs, long target)
    {
        using var scope = NewDisposeScope();
        var (gradient, source, scores) = ClassGradients.Compute(explained, inputs, target);
        return new AttributionResult(Name, target, ClassGradients.ToArray("relevance", gradient * source), ClassGradients.ToArray("scores", scores));
    }
}
