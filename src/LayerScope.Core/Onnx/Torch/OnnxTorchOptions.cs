namespace LayerScope.Onnx.Torch;

/// <summary>How an ONNX model is built on TorchSharp.</summary>
public sealed record OnnxTorchOptions
{
    /// <summary>Compute in float64: weights, floating-point inputs and every float tensor (Cast to float32 included)
    /// become double. Meant for checks against finite differences; float32 (the default) is what the model was
    /// exported in and what ONNX Runtime computes.</summary>
    public bool DoublePrecision { get; init; }
}
