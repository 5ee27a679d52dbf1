using LayerScope.Onnx.Proto;

namespace LayerScope.Onnx;

/// <summary>A named tensor of the model: its element type and shape, as far as they are known.</summary>
/// <param name="Name">The ONNX value name ("/act/Relu_output_0").</param>
/// <param name="ElementType">Undefined when unknown.</param>
/// <param name="Shape">Null when not even the rank is known.</param>
/// <param name="ShapeSource">Where the type and shape come from.</param>
public sealed record OnnxTensorInfo(string Name, TensorElementType ElementType, IReadOnlyList<OnnxDimension>? Shape, OnnxShapeSource ShapeSource)
{
    /// <summary>"float32 [batch, 4]".</summary>
    public string Describe() => $"{OnnxElementTypes.Name(ElementType)} {OnnxDimension.Format(Shape)}";
}

/// <summary>Where a tensor's type and shape in the layer table come from.</summary>
public enum OnnxShapeSource
{
    /// <summary>Nothing is known (no shape information and the dry run failed).</summary>
    Unknown,

    /// <summary>The model's own inputs, outputs or value_info.</summary>
    Model,

    /// <summary>A dry run of ONNX Runtime on dummy batches of 2 and 3 rows.</summary>
    DryRun,
}
