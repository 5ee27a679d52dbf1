using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LayerScope.Onnx.Torch.Operators;

/// <summary>Inference-mode batch normalization (running statistics) and layer normalization.</summary>
internal static class NormalizationOperators
{
    public static IEnumerable<(string OpType, OnnxOperator Run)> Entries =>
    [
        ("BatchNormalization", BatchNormalization),
        ("LayerNormalization", LayerNormalization),
    ];

    private static Tensor?[] BatchNormalization(OnnxNodeContext n)
    {
        if (n.Int("training_mode", 0) != 0 || n.WantsOutput(1) || n.WantsOutput(2))
            throw new OnnxNodeException("BatchNormalization in training mode (batch statistics, running-mean outputs) is not covered");
        var (x, scale, bias, mean, variance) = (n.Input(0), n.Input(1), n.Input(2), n.Input(3), n.Input(4));
        return [F.batch_norm(x, mean, variance, scale, bias, training: false, eps: n.Float("epsilon", 1e-5f))];
    }

    private static Tensor?[] LayerNormalization(OnnxNodeContext n)
    {
        if (n.WantsOutput(1) || n.WantsOutput(2)) throw new OnnxNodeException("LayerNormalization's Mean and InvStdDev outputs are not covered");
        var (x, scale, bias) = (n.Input(0), n.Input(1), n.OptionalInput(2));
        long axis = OnnxNodeContext.Axis(n.Int("axis", -1), x.dim());
        var normalized = x.shape[(int)axis..];
        double epsilon = n.Float("epsilon", 1e-5f);
        if (scale.shape.SequenceEqual(normalized) && (bias is null || bias.shape.SequenceEqual(normalized)))
            return [F.layer_norm(x, normalized, scale, bias, epsilon)];
        // Scale and bias only broadcast to the normalized shape: apply them after.
        var y = F.layer_norm(x, normalized, null, null, epsilon) * scale;
        return [bias is null ? y : y + bias];
    }
}
