using LayerScope.Gradients;

namespace LayerScope.Attribution;

/// <summary>A differentiable model and which of its tensors is explained.</summary>
/// <param name="Model">An ONNX model on the TorchSharp executor or a TorchSharp module (ModuleDifferentiableModel).</param>
/// <param name="Output">The tensor holding the class scores [N, classes] (the logits: explain below a final softmax).</param>
/// <param name="Embedding">For token-id inputs, the tensor gradients are taken with respect to (an embedding lookup's
/// output); relevance then has the embedding's shape. Null for floating-point inputs.</param>
public sealed record ExplainedModel(IDifferentiableModel Model, string Output, string? Embedding = null)
{
    /// <summary>The model's (single) input.</summary>
    public string Input => Model.InputNames.Count == 1 ? Model.InputNames[0]
        : throw new Errors.LayerScopeException($"attribution explains single-input models; this one has {Model.InputNames.Count} inputs ({string.Join(", ", Model.InputNames)}).");

    /// <summary>The name of the tensor relevance is attributed to.</summary>
    public string Source => Embedding ?? Input;
}
