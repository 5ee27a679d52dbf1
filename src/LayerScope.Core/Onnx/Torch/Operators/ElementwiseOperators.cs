using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LayerScope.Onnx.Torch.Operators;

/// <summary>Arithmetic, activations and comparisons. ONNX broadcasts like NumPy, and so does libtorch.</summary>
internal static class ElementwiseOperators
{
    public static IEnumerable<(string OpType, OnnxOperator Run)> Entries =>
    [
        ("Add", n => [Commutative(n, (a, b) => a + b, (into, b) => into.add_(b))]),
        ("Sub", n => [n.MayOverwriteWith(0, n.Input(1)) ? n.Input(0).sub_(n.Input(1)) : n.Input(0) - n.Input(1)]),
        ("Mul", n => [Commutative(n, (a, b) => a * b, (into, b) => into.mul_(b))]),
        ("Div", Div),
        ("Pow", n => [n.Input(0).pow(n.Input(1))]),
        ("Sqrt", n => [n.Input(0).sqrt()]),
        ("Exp", n => [n.Input(0).exp()]),
        ("Log", n => [n.Input(0).log()]),
        ("Neg", n => [n.Input(0).neg()]),
        ("Abs", n => [n.Input(0).abs()]),
        ("Reciprocal", n => [n.Input(0).reciprocal()]),
        ("Floor", n => [n.Input(0).floor()]),
        ("Ceil", n => [n.Input(0).ceil()]),
        ("Erf", n => [n.MayOverwrite(0) ? n.Input(0).erf_() : n.Input(0).erf()]),
        ("Sin", n => [n.Input(0).sin()]),
        ("Cos", n => [n.Input(0).cos()]),
        ("Relu", n => [n.MayOverwrite(0) ? n.Input(0).relu_() : n.Input(0).relu()]),
        ("LeakyRelu", n => [F.leaky_relu(n.Input(0), n.Float("alpha", 0.01f), inplace: n.MayOverwrite(0))]),
        ("PRelu", n => [PRelu(n.Input(0), n.Input(1))]),
        ("Elu", n => [F.elu(n.Input(0), n.Float("alpha", 1f), inplace: n.MayOverwrite(0))]),
        ("Selu", Selu),
        ("Celu", n => [F.celu(n.Input(0), n.Float("alpha", 1f))]),
        ("Sigmoid", n => [n.MayOverwrite(0) ? n.Input(0).sigmoid_() : n.Input(0).sigmoid()]),
        ("HardSigmoid", n => [HardSigmoid(n.Input(0), n.Float("alpha", 0.2f), n.Float("beta", 0.5f))]),
        ("HardSwish", n => [n.Input(0) * HardSigmoid(n.Input(0), 1f / 6, 0.5f)]),
        ("Tanh", n => [n.MayOverwrite(0) ? n.Input(0).tanh_() : n.Input(0).tanh()]),
        ("Softplus", n => [F.softplus(n.Input(0))]),
        ("Softsign", n => [Softsign(n.Input(0))]),
        ("Gelu", Gelu),
        ("Clip", Clip),
        ("Sum", n => [n.Inputs.Where(t => t is not null).Select(t => t!).Aggregate((a, b) => a + b)]),
        ("Mean", n => [n.Inputs.Where(t => t is not null).Select(t => t!).Aggregate((a, b) => a + b) / n.Inputs.Count(t => t is not null)]),
        ("Max", n => [n.Inputs.Where(t => t is not null).Select(t => t!).Aggregate(torch.maximum)]),
        ("Min", n => [n.Inputs.Where(t => t is not null).Select(t => t!).Aggregate(torch.minimum)]),
        ("Where", n => [torch.where(n.Input(0).to_type(ScalarType.Bool), n.Input(1), n.Input(2))]),
        ("Equal", n => [n.Input(0).eq(n.Input(1))]),
        ("Less", n => [n.Input(0).lt(n.Input(1))]),
        ("LessOrEqual", n => [n.Input(0).le(n.Input(1))]),
        ("Greater", n => [n.Input(0).gt(n.Input(1))]),
        ("GreaterOrEqual", n => [n.Input(0).ge(n.Input(1))]),
        ("Not", n => [n.Input(0).logical_not()]),
        ("And", n => [n.Input(0).logical_and(n.Input(1))]),
        ("Or", n => [n.Input(0).logical_or(n.Input(1))]),
    ];

    // ONNX integer division truncates toward zero (C semantics); libtorch's default would give a float.
    private static Tensor?[] Div(OnnxNodeContext n)
    {
        var (a, b) = (n.Input(0), n.Input(1));
        if (!a.is_floating_point()) return [a.div(b, RoundingMode.trunc)];
        return [n.MayOverwriteWith(0, b) ? a.div_(b) : a / b];
    }

    /// <summary>A commutative elementwise operation, written into whichever input may take the result (the same bits
    /// as a new tensor: each entry is the same one operation on the same two values), else into a new tensor.</summary>
    private static Tensor Commutative(OnnxNodeContext n, Func<Tensor, Tensor, Tensor> fresh, Func<Tensor, Tensor, Tensor> into)
    {
        var (a, b) = (n.Input(0), n.Input(1));
        if (n.MayOverwriteWith(0, b)) return into(a, b);
        if (n.MayOverwriteWith(1, a)) return into(b, a);
        return fresh(a, b);
    }

    private static Tensor PRelu(Tensor x, Tensor slope) => torch.where(x.lt(0), x * slope, x);

    private static Tensor HardSigmoid(Tensor x, float alpha, float beta) => (x * alpha + beta).clamp(0.0, 1.0);

    private static Tensor Softsign(Tensor x) => x / (x.abs() + 1.0);

    private static Tensor?[] Selu(OnnxNodeContext n)
    {
        // Defaults from the ONNX operator specification (the values of Klambauer et al., 2017, in float32).
        double alpha = n.Float("alpha", 1.67326319217681884765625f), gamma = n.Float("gamma", 1.05070102214813232421875f);
        var x = n.Input(0);
        return [torch.where(x.gt(0), x * gamma, (x.exp() - 1.0) * (alpha * gamma))];
    }

    private static Tensor?[] Gelu(OnnxNodeContext n) => n.String("approximate", "none") switch
    {
        "none" => [F.gelu(n.Input(0))],
        "tanh" => [F.gelu(n.Input(0), TorchSharp.Modules.GELU.Approximate.tanh)],
        var other => throw new OnnxNodeException($"Gelu approximate='{other}' is not 'none' or 'tanh'"),
    };

    private static Tensor?[] Clip(OnnxNodeContext n)
    {
        var x = n.Input(0);
        if (n.Opset < 11)
            return [x.clamp(n.Float("min", float.MinValue), n.Float("max", float.MaxValue))];
        var (min, max) = (n.OptionalInput(1), n.OptionalInput(2));
        if (min is null && max is null) return [x.alias()];
        return [torch.clamp(x, min?.to_type(x.dtype), max?.to_type(x.dtype))];
    }
}
