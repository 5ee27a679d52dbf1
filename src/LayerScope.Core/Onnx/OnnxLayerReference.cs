namespace LayerScope.Onnx;

/// <summary>A layer name resolved to the tensor it means.</summary>
/// <param name="Requested">The name as given ("lstm", "/act/Relu", "/act/Relu_output_0").</param>
/// <param name="TensorName">The ONNX tensor captured.</param>
/// <param name="Kind">What the name matched.</param>
public sealed record OnnxLayerReference(string Requested, string TensorName, OnnxLayerKind Kind);

/// <summary>What a layer name matched, in the order they are tried.</summary>
public enum OnnxLayerKind
{
    /// <summary>A tensor name: a graph input or output, or a node output.</summary>
    Tensor,

    /// <summary>A node name: its first output.</summary>
    Node,

    /// <summary>A module scope: the tensor that leaves it.</summary>
    ModuleScope,
}
