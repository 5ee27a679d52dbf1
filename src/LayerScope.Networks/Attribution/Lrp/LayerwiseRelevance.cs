using LayerScope.Errors;
using static TorchSharp.torch;

namespace LayerScope.Attribution.Lrp;

/// <summary>
/// Layer-wise relevance propagation (Bach et al. 2015, "On pixel-wise explanations for non-linear classifier decisions
/// by layer-wise relevance propagation"; rules and composites as in Montavon et al. 2019): the logit of class k is
/// passed back layer by layer, each layer's rule dividing a neuron's relevance among its inputs. With LRP-0 or small ε
/// and no biases the input relevances sum to the logit (conservation); <see cref="AttributionResult.ConvergenceDelta"/>
/// is Σ R − f_k(x), the relevance absorbed by biases and stabilizers. Costs one forward and one backward pass.
/// </summary>
public sealed class LayerwiseRelevance
{
    private readonly LayerChain _chain;
    private readonly LrpComposite _composite;
    private readonly string _name;

    /// <param name="model">A chain of covered layers (see the exception for the list).</param>
    /// <param name="composite">The rule of each layer.</param>
    /// <param name="name">The method name results carry ("lrp-epsilon").</param>
    public LayerwiseRelevance(TorchSharp.torch.nn.Module<Tensor, Tensor> model, LrpComposite composite, string name = "lrp")
    {
        _chain = LayerChain.From(model);
        _composite = composite ?? throw new ArgumentNullException(nameof(composite));
        _name = name;
    }

    public AttributionResult Attribute(Tensor inputs, long target)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var activations = _chain.Activations(inputs);
        var logits = ClassGradients.AsMatrix(activations[^1], "the model's output");
        ClassGradients.CheckTarget(target, logits, "the model's output");
        var relevance = zeros_like(logits);
        relevance[.., target] = logits[.., target];
        relevance = relevance.view(activations[^1].shape);
        int weighted = _chain.Steps.Count(s => s.HasWeights), index = weighted;
        for (int i = _chain.Steps.Count - 1; i >= 0; i--)
        {
            var step = _chain.Steps[i];
            var rule = step.HasWeights ? _composite.RuleFor(new LrpLayerPosition(--index, weighted, step.Convolution)) : LrpRule.Zero;
            var problems = rule.Validate();
            if (problems.Count > 0) throw new InvalidSettingsException(problems);
            relevance = step.Relevance(activations[i], activations[i + 1], relevance, rule, _composite.RecurrentEpsilon);
        }
        return new AttributionResult(_name, target, ClassGradients.ToArray("relevance", relevance), ClassGradients.ToArray("scores", logits),
            ClassGradients.Delta(relevance, logits.select(1, target)));
    }
}
