using LayerScope.Onnx.Proto;

namespace LayerScope.Onnx;

/// <summary>A named tensor of the model: its element type and shape, as far as they are known.</summary>
/// <param name="Name">The ONNX value name ("/act/Relu_output_0").</param>
/// <param name="ElementType">Undefined when unknown.</param>
/// <param name="Shape">Null when not even the rank is known.</param>
/// <param name="ShapeSource">Where the type and shape come from.</param>
public sealed record OnnxTensorInfo(string Name, TensorElementType ElementType, IReadOnlyList<OnnxDimension>? Shape, OnnxShapeSource ShapeSource)
{
    /// <summary>"tensor", or the kind of a value that is not one: "sequence", "map", "optional", "sparse_tensor"
    /// (listed by <c>layers</c>, refused by capture).</summary>
    public string ValueKind { get; init; } = "tensor";

    /// <summary>Whether the value is a dense tensor, the only kind LayerScope captures.</summary>
    public bool IsTensor => ValueKind == "tensor";

    /// <summary>The element type ("float32"), or the value's kind when it is not a tensor ("sequence").</summary>
    public string TypeText => IsTensor ? OnnxElementTypes.Name(ElementType) : ValueKind;

    /// <summary>"float32 [batch, 4]", or "sequence" for a value that is not a tensor.</summary>
    public string Describe() => IsTensor ? $"{OnnxElementTypes.Name(ElementType)} {OnnxDimension.Format(Shape)}" : ValueKind;
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
