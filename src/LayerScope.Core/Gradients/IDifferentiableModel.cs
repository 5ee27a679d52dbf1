using static TorchSharp.torch;

namespace LayerScope.Gradients;

/// <summary>
/// A model a gradient method (saliency, integrated gradients, activation maximization) can run: a forward pass with
/// autograd that returns named tensors. An imported ONNX model (<see cref="Onnx.Torch.OnnxTorchModel"/>) and a
/// TorchSharp zoo module (its forward hooks name the tensors) can both stand behind it, so each method is written once.
/// </summary>
public interface IDifferentiableModel
{
    /// <summary>The names of the inputs <see cref="Forward"/> takes.</summary>
    IReadOnlyList<string> InputNames { get; }

    /// <summary>Runs the model on <paramref name="inputs"/> and keeps the tensors <paramref name="request"/> names.</summary>
    DifferentiableForward Forward(IReadOnlyDictionary<string, Tensor> inputs, ForwardRequest request);
}

/// <summary>What a forward pass keeps and where gradients start.</summary>
/// <param name="Capture">Layer names to return (for ONNX: tensor, node or module scope, as `layers` lists them).</param>
/// <param name="GradientSources">Tensors to take gradients with respect to. Inputs of a floating-point type are
/// sources by default; an intermediate tensor named here (the output of an embedding lookup, for token-id inputs)
/// becomes a leaf at the point it is computed.</param>
/// <param name="Gradients">False runs without autograd (faster; nothing can be differentiated).</param>
/// <param name="Overrides">Tensors whose computed value is replaced by the given one before later nodes read it (the
/// embedding of an interpolated sequence for integrated gradients on token ids; a perturbed value for finite
/// differences). The replacement must have the computed tensor's shape.</param>
public sealed record ForwardRequest(IReadOnlyList<string> Capture, IReadOnlyList<string>? GradientSources = null, bool Gradients = true,
    IReadOnlyDictionary<string, Tensor>? Overrides = null)
{
    public static ForwardRequest Of(params string[] capture) => new(capture);
}

/// <summary>Which scalar of a tensor a gradient is taken of.</summary>
public abstract record GradientSelector
{
    /// <summary>The sum of every entry. Rows of a batch do not interact (inference-mode models), so the gradient
    /// of the sum is, row by row, the gradient of each row's own sum.</summary>
    public static GradientSelector Sum { get; } = new SumSelector();

    /// <summary>Entry <paramref name="unit"/> along the last axis, summed over the other axes.</summary>
    public static GradientSelector Unit(long unit) => new UnitSelector(unit);

    /// <summary>The scalar to differentiate.</summary>
    public abstract Tensor Reduce(Tensor target);

    private sealed record SumSelector : GradientSelector
    {
        public override Tensor Reduce(Tensor target) => target.sum();
    }

    private sealed record UnitSelector(long Index) : GradientSelector
    {
        public override Tensor Reduce(Tensor target)
        {
            long size = target.shape[^1];
            if (Index < 0 || Index >= size)
                throw new Errors.LayerScopeException($"Unit {Index} is outside the target's last axis of {size} entries.");
            return target.select(-1, Index).sum();
        }
    }
}
