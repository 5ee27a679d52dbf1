using LayerScope.Attribution.Lrp;
using LayerScope.Errors;
using static TorchSharp.torch;

namespace LayerScope.Attribution;

/// <summary>Which unit guided backpropagation and the deconvnet explain.</summary>
public sealed record UnitOptions
{
    /// <summary>A layer (a name of <c>named_modules()</c>) whose channel <c>target</c> is explained; null explains
    /// class <c>target</c> of the output. Following Zeiler and Fergus 2014 (section 2.1), the channel's own feature
    /// map is sent back with every other channel set to zero.</summary>
    public string? Layer { get; init; }
}

/// <summary>The backward pass through a <see cref="LayerChain"/> with a chosen ReLU rule: what guided
/// backpropagation and the deconvnet share.</summary>
internal static class ModifiedBackprop
{
    public static AttributionResult Attribute(LayerChain chain, string name, ReluBackward relu, Tensor inputs, long target, UnitOptions? options)
    {
        options ??= new UnitOptions();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var activations = chain.Activations(inputs);
        var logits = ClassGradients.AsMatrix(activations[^1], "the model's output");
        int from;
        Tensor signal;
        if (options.Layer is null)
        {
            ClassGradients.CheckTarget(target, logits, "the model's output");
            from = chain.Steps.Count;
            signal = zeros_like(logits);
            signal[.., target] = 1;
            signal = signal.view(activations[^1].shape);
        }
        else
        {
            from = chain.Steps.ToList().FindIndex(s => s.Name == options.Layer || s.Name.StartsWith(options.Layer + "+", StringComparison.Ordinal)) + 1;
            if (from == 0)
                throw new InvalidSettingsException([$"UnitOptions.Layer '{options.Layer}' is not a layer of the chain; layers: {string.Join(", ", chain.Steps.Select(s => s.Name))}."]);
            var output = activations[from];
            if (output.dim() < 2 || target < 0 || target >= output.shape[1])
                throw new InvalidSettingsException([$"unit {target} is outside layer '{options.Layer}', whose output is [{string.Join(", ", output.shape)}]."]);
            signal = zeros_like(output);
            signal[.., target] = output[.., target];
        }
        for (int i = from - 1; i >= 0; i--) signal = chain.Steps[i].Backward(activations[i], signal, relu);
        return new AttributionResult(name, target, ClassGradients.ToArray("relevance", signal), ClassGradients.ToArray("scores", logits));
    }
}

/// <summary>Guided backpropagation (Springenberg et al. 2015, "Striving for simplicity: the all convolutional net"):
/// the gradient, but a ReLU passes only positive signal where its input was positive: sharp "important pixels" maps
/// of the Deep Visualization Toolbox.</summary>
public sealed class GuidedBackprop(TorchSharp.torch.nn.Module<Tensor, Tensor> model)
{
    public const string Name = "guided-backprop";
    private readonly LayerChain _chain = LayerChain.From(model);

    public AttributionResult Attribute(Tensor inputs, long target, UnitOptions? options = null) =>
        ModifiedBackprop.Attribute(_chain, Name, ReluBackward.Guided, inputs, target, options);
}

/// <summary>The deconvnet (Zeiler and Fergus 2014, "Visualizing and understanding convolutional networks"): the
/// signal runs back through transposed filters, and a ReLU passes positive signal whatever its forward input was.</summary>
public sealed class Deconvnet(TorchSharp.torch.nn.Module<Tensor, Tensor> model)
{
    public const string Name = "deconvnet";
    private readonly LayerChain _chain = LayerChain.From(model);

    public AttributionResult Attribute(Tensor inputs, long target, UnitOptions? options = null) =>
        ModifiedBackprop.Attribute(_chain, Name, ReluBackward.Deconvnet, inputs, target, options);
}
