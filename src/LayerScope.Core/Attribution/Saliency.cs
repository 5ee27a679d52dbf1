using static TorchSharp.torch;

namespace LayerScope.Attribution;

/// <summary>Saliency (Simonyan, Vedaldi and Zisserman 2014, "Deep inside convolutional networks"): the magnitude of
/// the class score's gradient, |∂f_k/∂x|, per input element. Says where a small change moves the score, not which
/// way the evidence points.</summary>
public sealed class Saliency(ExplainedModel explained)
{
    public const string Name = "saliency";

    public AttributionResult Attribute(Tensor inputs, long target)
    {
        using var scope = NewDisposeScope();
        var (gradient, _, scores) = ClassGradients.Compute(explained, inputs, target);
        return new AttributionResult(Name, target, ClassGradients.ToArray("relevance", gradient.abs()), ClassGradients.ToArray("scores", scores));
    }
}
