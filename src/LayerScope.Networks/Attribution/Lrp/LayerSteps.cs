using LayerScope.Errors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Attribution.Lrp;

/// <summary>How a ReLU passes a backward signal: the ordinary gradient, the deconvnet's (Zeiler and Fergus 2014:
/// ReLU of the signal, ignoring the forward activation) or guided backpropagation's (Springenberg et al. 2015,
/// "Striving for simplicity": both masks).</summary>
public enum ReluBackward { Gradient, Deconvnet, Guided }

/// <summary>One layer of a <see cref="LayerChain"/>: its forward pass, its LRP rule and its (modified) backward.</summary>
internal abstract class LayerStep(string name)
{
    public string Name { get; } = name;

    public abstract Tensor Forward(Tensor input);

    /// <summary>Relevance of the input, given the output's; <paramref name="output"/> is this step's forward output
    /// for <paramref name="input"/>, already computed by the chain, so rules that need z = layer(a) do not recompute it.</summary>
    public abstract Tensor Relevance(Tensor input, Tensor output, Tensor relevance, LrpRule rule, double recurrentEpsilon);

    /// <summary>The backward signal at the input, given the output's.</summary>
    public virtual Tensor Backward(Tensor input, Tensor signal, ReluBackward relu) => VectorJacobian(Forward, input, signal);

    /// <summary>Carries weights (gets a rule from the composite).</summary>
    public virtual bool HasWeights => false;

    public virtual bool Convolution => false;

    /// <summary>sᵀ ∂f(x)/∂x by libtorch autograd.</summary>
    public static Tensor VectorJacobian(Func<Tensor, Tensor> f, Tensor x, Tensor s)
    {
        using var leaf = x.detach().requires_grad_(true);
        using var enabled = enable_grad();
        using var y = f(leaf);
        return autograd.grad([y], [leaf], [s])[0].detach();
    }

    /// <summary>a / b with the LRP stabilizer: b + ε·sign(b) (sign(0) = +1), and 0 where that is still 0. Written
    /// with few full-size passes: on a conv layer's output these element-wise steps, not the convolutions, dominate.</summary>
    public static Tensor StabilizedDivide(Tensor numerator, Tensor denominator, double epsilon)
    {
        if (epsilon > 0)
        {
            // ±ε by the sign, then + b: never 0 (b ≥ 0 gives at least ε, b < 0 less than −ε).
            using var shift = (denominator >= 0).to_type(denominator.dtype).mul_(2 * epsilon).sub_(epsilon);
            return numerator / shift.add_(denominator);
        }
        using var zero = denominator == 0;
        using var safe = denominator.masked_fill(zero, 1);
        return (numerator / safe).masked_fill_(zero, 0);
    }
}

/// <summary>A dense or convolutional layer, with a BatchNorm after it folded into its weights (Montavon et al. 2019,
/// section 10.3.2: an affine map in inference mode merges with the preceding linear layer, so the rules see one layer).</summary>
internal sealed class AffineStep : LayerStep
{
    private readonly Func<Tensor, Tensor, Tensor?, Tensor> _apply;
    private readonly Func<Tensor, Tensor, long[], Tensor> _transpose;

    // apply: the layer, (input, weight, bias) → output. transpose: (signal at the output, weight, input shape) →
    // sᵀ ∂(x ↦ apply(x, w, 0))/∂x, the gradient with respect to the input computed directly (s·W for dense layers, the
    // transposed convolution for convolutions) instead of by an autograd replay of the forward.
    private AffineStep(string name, Tensor weight, Tensor? bias, Func<Tensor, Tensor, Tensor?, Tensor> apply, Func<Tensor, Tensor, long[], Tensor> transpose,
        bool convolution) : base(name)
    {
        Weight = weight;
        Bias = bias;
        _apply = apply;
        _transpose = transpose;
        Convolution = convolution;
    }

    public Tensor Weight { get; }
    public Tensor? Bias { get; }
    public override bool HasWeights => true;
    public override bool Convolution { get; }

    public static AffineStep From(string name, nn.Module module) => module switch
    {
        Linear linear => new(name, linear.weight!.detach(), linear.bias?.detach(), (x, w, b) => nn.functional.linear(x, w, b), (s, w, _) => s.matmul(w), false),
        Conv2d conv => new(name, conv.weight!.detach(), conv.bias?.detach(),
            (x, w, b) => nn.functional.conv2d(x, w, b, conv.stride, conv.padding, conv.dilation, conv.groups),
            (s, w, shape) => nn.functional.conv_transpose2d(s, w, null, conv.stride, conv.padding,
                OutputPadding(shape, s.shape, w.shape, conv.stride, conv.padding!, conv.dilation), conv.dilation, conv.groups), true),
        Conv1d conv => new(name, conv.weight!.detach(), conv.bias?.detach(),
            (x, w, b) => nn.functional.conv1d(x, w, b, conv.stride[0], conv.padding![0], conv.dilation[0], conv.groups),
            (s, w, shape) => nn.functional.conv_transpose1d(s, w, null, conv.stride[0], conv.padding![0],
                OutputPadding(shape, s.shape, w.shape, conv.stride, conv.padding!, conv.dilation)[0], conv.dilation[0], conv.groups), true),
        _ => throw new ArgumentException(module.GetType().Name),
    };

    /// <summary>The transposed convolution's output padding that gives back the input's size: a strided convolution
    /// maps several input sizes to one output size, and the transpose needs to be told which.</summary>
    private static long[] OutputPadding(long[] input, long[] output, long[] weight, long[] stride, long[] padding, long[] dilation)
    {
        int spatial = input.Length - 2;
        var extra = new long[spatial];
        for (int d = 0; d < spatial; d++)
        {
            long stride_ = stride[Math.Min(d, stride.Length - 1)], pad = padding[Math.Min(d, padding.Length - 1)], dil = dilation[Math.Min(d, dilation.Length - 1)];
            extra[d] = input[2 + d] - ((output[2 + d] - 1) * stride_ - 2 * pad + dil * (weight[2 + d] - 1) + 1);
        }
        return extra;
    }

    /// <summary>This layer followed by a BatchNorm (its inference statistics) as one affine layer.</summary>
    public AffineStep FoldBatchNorm(string normName, Tensor runningMean, Tensor runningVar, Tensor? gamma, Tensor? beta, double eps)
    {
        var scale = (gamma ?? ones_like(runningMean)) / (runningVar + eps).sqrt();
        var shape = new long[Weight.dim()];
        Array.Fill(shape, 1L);
        shape[0] = -1;
        var weight = Weight * scale.view(shape);
        var bias = ((Bias ?? zeros_like(runningMean)) - runningMean) * scale + (beta ?? zeros_like(runningMean));
        return new AffineStep(Name + "+" + normName, weight, bias, _apply, _transpose, Convolution);
    }

    public override Tensor Forward(Tensor input) => _apply(input, Weight, Bias);

    public override Tensor Backward(Tensor input, Tensor signal, ReluBackward relu) => Vjp(Weight, input, signal);

    // The layer without its bias is linear in x, so sᵀ ∂z/∂x does not depend on where it is taken: the transpose alone.
    private Tensor Vjp(Tensor weight, Tensor at, Tensor s) => _transpose(s, weight, at.shape);

    // Each rule is the "gradient trick" of Montavon et al. 2019, section 10.2.3: with z = ρ-layer(a) and
    // s = R / (z + ε), the input relevance is a ⊙ (sᵀ ∂z/∂a); autograd computes the product.
    public override Tensor Relevance(Tensor a, Tensor output, Tensor r, LrpRule rule, double recurrentEpsilon)
    {
        using var scope = NewDisposeScope();
        Tensor result;
        switch (rule.Kind)
        {
            case LrpRuleKind.Zero:
            case LrpRuleKind.Epsilon:
            {
                // z is the layer's own output: the forward pass already computed it.
                var s = StabilizedDivide(r, output, rule.Kind == LrpRuleKind.Epsilon ? rule.Epsilon : 0);
                result = a * Vjp(Weight, a, s);
                break;
            }
            case LrpRuleKind.Gamma:
            {
                var w = rule.Kind == LrpRuleKind.Gamma ? Weight + rule.Gamma * Weight.clamp_min(0) : Weight;
                var b = Bias is null ? null : rule.Kind == LrpRuleKind.Gamma ? Bias + rule.Gamma * Bias.clamp_min(0) : Bias;
                var s = StabilizedDivide(r, _apply(a, w, b), rule.Kind == LrpRuleKind.Epsilon ? rule.Epsilon : 0);
                result = a * Vjp(w, a, s);
                break;
            }
            case LrpRuleKind.AlphaBeta:
            {
                // Positive contributions a⁺w⁺ + a⁻w⁻ and negative ones a⁺w⁻ + a⁻w⁺, each normalized by its own total
                // (Bach et al. 2015, eq. 60); biases are left out, as is usual for this rule.
                var ap = a.clamp_min(0);
                var an = a.clamp_max(0);
                var wp = Weight.clamp_min(0);
                var wn = Weight.clamp_max(0);
                var sp = StabilizedDivide(r, _apply(ap, wp, null) + _apply(an, wn, null), 0);
                var sn = StabilizedDivide(r, _apply(ap, wn, null) + _apply(an, wp, null), 0);
                var positive = ap * Vjp(wp, ap, sp) + an * Vjp(wn, an, sp);
                var negative = ap * Vjp(wn, ap, sn) + an * Vjp(wp, an, sn);
                result = rule.Alpha * positive - (rule.Beta == 0 ? zeros_like(negative) : rule.Beta * negative);
                break;
            }
            case LrpRuleKind.ZBox:
            {
                // The bounds are the same for every example: their terms are computed on one and broadcast.
                var one = ones([1, .. a.shape[1..]], dtype: a.dtype);
                var wp = Weight.clamp_min(0);
                var wn = Weight.clamp_max(0);
                var z = output - (rule.Low == 0 ? zeros_like(output[..1]) : _apply(one * rule.Low, wp, null)) - _apply(one * rule.High, wn, null);
                var s = StabilizedDivide(r, z, 0);
                result = a * Vjp(Weight, a, s) - (rule.Low == 0 ? zeros_like(a) : rule.Low * Vjp(wp, a, s)) - rule.High * Vjp(wn, a, s);
                break;
            }
            case LrpRuleKind.Flat:
            case LrpRuleKind.WSquare:
            {
                var w = rule.Kind == LrpRuleKind.Flat ? ones_like(Weight) : Weight * Weight;
                var unit = ones_like(a);
                var s = StabilizedDivide(r, _apply(unit, w, null), 0);
                result = Vjp(w, unit, s);
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule.Kind, null);
        }
        return result.MoveToOuterDisposeScope();
    }
}

/// <summary>Max and average pooling: relevance is redistributed in proportion to the contributions (ε-rule with the
/// unmodified layer: winner-take-all for max pooling, proportional for averages), which conserves it exactly.</summary>
internal sealed class PoolingStep(string name, nn.Module<Tensor, Tensor> module) : LayerStep(name)
{
    public override Tensor Forward(Tensor input) => module.call(input);

    public override Tensor Relevance(Tensor a, Tensor output, Tensor r, LrpRule rule, double recurrentEpsilon)
    {
        using var scope = NewDisposeScope();
        if (module is MaxPool1d or MaxPool2d)
        {
            // a ⊙ ∂(s at the winner) with s = R / z and a = z at the winner is R itself: route R to the winners.
            using var zero = output == 0;
            return VectorJacobian(Forward, a, r.masked_fill(zero, 0)).MoveToOuterDisposeScope();
        }
        var s = StabilizedDivide(r, output, 0);
        return (a * VectorJacobian(Forward, a, s)).MoveToOuterDisposeScope();
    }
}

/// <summary>Element-wise ReLU, dropout (inference: identity) and reshapes: relevance passes unchanged (reshaped back).</summary>
internal sealed class PassThroughStep(string name, nn.Module<Tensor, Tensor> module, bool relu) : LayerStep(name)
{
    public override Tensor Forward(Tensor input) => module.call(input);

    public override Tensor Relevance(Tensor a, Tensor output, Tensor r, LrpRule rule, double recurrentEpsilon) => r.reshape(a.shape);

    public override Tensor Backward(Tensor input, Tensor signal, ReluBackward mode)
    {
        if (!relu) return signal.reshape(input.shape);
        using var active = input > 0;
        return mode switch
        {
            ReluBackward.Gradient => signal * active,
            ReluBackward.Deconvnet => signal.clamp_min(0),
            ReluBackward.Guided => signal.clamp_min(0) * active,
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };
    }
}
