using LayerScope.Errors;

namespace LayerScope.Onnx;

/// <summary>A layer name matches no tensor, node or module scope of the model. The message lists the closest
/// names (edit distance), so a typo is one look away from its fix.</summary>
public sealed class UnknownOnnxLayerException : LayerScopeException
{
    public UnknownOnnxLayerException(string layer, string model, IReadOnlyList<string> closest)
        : base(BuildMessage(layer, model, closest))
    {
        Layer = layer;
        Model = model;
        Closest = closest;
    }

    public string Layer { get; }
    public string Model { get; }

    /// <summary>The nearest names, best first.</summary>
    public IReadOnlyList<string> Closest { get; }

    private static string BuildMessage(string layer, string model, IReadOnlyList<string> closest) =>
        $"{model}: no tensor, node or module scope named '{layer}'."
        + (closest.Count == 0 ? "" : " Did you mean: " + string.Join(", ", closest.Select(c => $"'{c}'")) + "?")
        + " OnnxModel.Layers lists them all.";
}
