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
        var winners = new Tensor?[_chain.Steps.Count];
        var activations = _chain.Activations(inputs, winners);
        var logits = ClassGradients.AsMatrix(activations[^1], "the model's output");
        ClassGradients.CheckTarget(target, logits, "the model's output");
        var relevance = zeros_like(logits);
        relevance[.., target] = logits[.., target];
        relevance = relevance.view(activations[^1].shape);
        var rules = Rules();
        for (int i = _chain.Steps.Count - 1; i >= 0; i--)
        {
            var step = _chain.Steps[i];
            if (step is PoolingStep pool && winners[i] is { } at)
            {
                // convolution → ReLU → max pooling: one fused step where the rule allows (AffineStep explains why).
                if (Fused && i >= 2 && _chain.Steps[i - 1] is PassThroughStep { IsRelu: true } && _chain.Steps[i - 2] is AffineStep affine
                    && affine.RelevanceThroughReluAndMaxPool(activations[i - 2], activations[i - 1], activations[i + 1], at, relevance, rules[i - 2]) is { } fused)
                {
                    relevance = fused;
                    i -= 2;
                }
                else relevance = pool.Relevance(activations[i], activations[i + 1], relevance, at);
                continue;
            }
            relevance = step.Relevance(activations[i], activations[i + 1], relevance, rules[i], _composite.RecurrentEpsilon);
        }
        return new AttributionResult(_name, target, ClassGradients.ToArray("relevance", relevance), ClassGradients.ToArray("scores", logits),
            ClassGradients.Delta(relevance, logits.select(1, target)));
    }

    /// <summary>Whether convolution → ReLU → max pooling runs as one step (the default); tests turn it off to compare
    /// the fused step with the three steps apart.</summary>
    internal bool Fused { get; init; } = true;

    /// <summary>Each step's rule: the composite's for layers with weights (by position), LRP-0 for the rest.</summary>
    private LrpRule[] Rules()
    {
        int weighted = _chain.Steps.Count(s => s.HasWeights), index = 0;
        var rules = _chain.Steps.Select(step => step.HasWeights ? _composite.RuleFor(new LrpLayerPosition(index++, weighted, step.Convolution)) : LrpRule.Zero).ToArray();
        var problems = rules.SelectMany(r => r.Validate()).Distinct().ToList();
        if (problems.Count > 0) throw new InvalidSettingsException(problems);
        return rules;
    }
}
