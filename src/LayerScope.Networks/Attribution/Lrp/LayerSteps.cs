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
            (s, w, shape) => conv.groups == 1 && w.shape[1] <= FoldTransposeChannels
                ? FoldTranspose(s, w, shape, conv.stride, conv.padding!, conv.dilation)
                : nn.functional.conv_transpose2d(s, w, null, conv.stride, conv.padding,
                    OutputPadding(shape, s.shape, w.shape, conv.stride, conv.padding!, conv.dilation), conv.dilation, conv.groups), true),
        Conv1d conv => new(name, conv.weight!.detach(), conv.bias?.detach(),
            (x, w, b) => nn.functional.conv1d(x, w, b, conv.stride[0], conv.padding![0], conv.dilation[0], conv.groups),
            (s, w, shape) => nn.functional.conv_transpose1d(s, w, null, conv.stride[0], conv.padding![0],
                OutputPadding(shape, s.shape, w.shape, conv.stride, conv.padding!, conv.dilation)[0], conv.dilation[0], conv.groups), true),
        _ => throw new ArgumentException(module.GetType().Name),
    };

    /// <summary>Up to this many input channels per kernel column (a convolution reading grey or RGB pixels), the
    /// transpose runs as <see cref="FoldTranspose"/>: libtorch's transposed convolution into 1 channel cost about 4×
    /// the GEMM and col2im on the CPU (256 × 32 × 28 × 28 signal: 49 vs 12 ms), while for 32 channels it is the
    /// faster one (48 vs 88 ms), the col2im buffer growing with the channels.</summary>
    private const long FoldTransposeChannels = 4;

    /// <summary>sᵀ ∂conv2d(x, w)/∂x as a GEMM and a col2im: the columns Wᵀ·s (weight [C_out, C_in·kh·kw], the
    /// channel-major order of unfold), folded back onto the input's size, which also settles the output padding of a
    /// strided convolution.</summary>
    private static Tensor FoldTranspose(Tensor s, Tensor w, long[] input, long[] stride, long[] padding, long[] dilation)
    {
        using var columns = w.reshape(w.shape[0], -1).t().matmul(s.flatten(2));
        return nn.functional.fold(columns, (input[2], input[3]), (w.shape[2], w.shape[3]), Pair(dilation), Pair(padding), Pair(stride));
        static (long, long) Pair(long[] v) => (v[0], v[Math.Min(1, v.Length - 1)]);
    }

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

    /// <summary>z^B's bound terms l·(W⁺ ∗ 1) + h·(W⁻ ∗ 1) for inputs shaped like <paramref name="a"/>, one example
    /// [1, ...]: they depend on the weights and the input's shape only, so they are computed once per shape and kept
    /// (a batch-of-one convolution costs libtorch about as much as a batch of 256 here, in set-up).</summary>
    private Tensor BoundTerms(Tensor a, LrpRule rule)
    {
        var key = (rule.Low, rule.High, a.dtype, string.Join(",", a.shape[1..]));
        lock (_bounds)
        {
            if (!_bounds.TryGetValue(key, out var terms))
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var one = ones([1, .. a.shape[1..]], dtype: a.dtype);
                terms = _apply(one * rule.Low, Weight.clamp_min(0), null).add_(_apply(one * rule.High, Weight.clamp_max(0), null));
                terms.DetachFromDisposeScope();
                _bounds[key] = terms;
            }
            return terms;
        }
    }

    private readonly Dictionary<(double Low, double High, ScalarType Type, string Shape), Tensor> _bounds = [];

    /// <summary>z^B's input relevance a ⊙ (Wᵀs) − l·(W⁺ᵀs) − h·(W⁻ᵀs) for the signal s = R / z^B. The three
    /// transposes read the same s, so (for an ungrouped layer) they run as one, with the weights stacked along the
    /// transpose's output channels: one pass over s, which on a first convolution's output is the costly part.</summary>
    private Tensor ZBoxInputRelevance(Tensor a, Tensor s, LrpRule rule)
    {
        var parts = new List<(Tensor Weight, double Factor)> { (Weight, 1) };
        if (rule.Low != 0) parts.Add((Weight.clamp_min(0), -rule.Low));
        if (rule.High != 0) parts.Add((Weight.clamp_max(0), -rule.High));
        // The input's features: channels of a convolution (dim 1), the last dim of a dense layer. A grouped
        // convolution's weight has fewer input channels than its input, and its stacked transpose would interleave groups.
        int features = Convolution ? 1 : -1;
        Tensor[] transposed = a.shape[Convolution ? 1 : ^1] == Weight.shape[1]
            ? Vjp(cat(parts.Select(p => p.Weight).ToArray(), 1), a, s).chunk(parts.Count, features)
            : parts.Select(p => Vjp(p.Weight, a, s)).ToArray();
        var result = a * transposed[0];
        for (int k = 1; k < parts.Count; k++) result.add_(transposed[k], alpha: parts[k].Factor);
        return result;
    }

    /// <summary>
    /// Relevance through this convolution, the ReLU after it and a max pooling after that, in one step: the pooling
    /// routes R to its winners, the ReLU passes it, and at a winner the rule's z is known from the pooled tensor
    /// (LRP-0/ε: z is the pooled value itself; z^B: that minus the bound terms at the winner; γ: the modified layer's
    /// output gathered at the winner). So s = R / z is computed on the pooled tensor — a quarter of the elements for
    /// 2×2 pooling — and scattered to the winners, where the step-by-step path divides on the whole convolution output
    /// and replays the pooling. Same numbers as the three steps apart (a pooled output of 0 passes no relevance, as in
    /// <see cref="PoolingStep"/>); null for the rules it does not cover (αβ, flat, w²), which go step by step.
    /// </summary>
    /// <param name="a">This layer's input.</param>
    /// <param name="convolved">This layer's output (the ReLU's input), for its shape.</param>
    /// <param name="pooled">The pooling's output.</param>
    /// <param name="winners">The pooling's winners: indices into each channel's flattened map, the pooled shape.</param>
    /// <param name="r">Relevance of the pooled output.</param>
    /// <param name="rule">This layer's rule.</param>
    public Tensor? RelevanceThroughReluAndMaxPool(Tensor a, Tensor convolved, Tensor pooled, Tensor winners, Tensor r, LrpRule rule)
    {
        if (!Convolution || rule.Kind is not (LrpRuleKind.Zero or LrpRuleKind.Epsilon or LrpRuleKind.Gamma or LrpRuleKind.ZBox)) return null;
        using var scope = NewDisposeScope();
        var at = winners.flatten(2);
        var flatPooled = pooled.flatten(2);
        Tensor z;
        Tensor w = Weight;
        switch (rule.Kind)
        {
            case LrpRuleKind.Gamma:
                w = Weight + rule.Gamma * Weight.clamp_min(0);
                var b = Bias is null ? null : Bias + rule.Gamma * Bias.clamp_min(0);
                z = _apply(a, w, b).flatten(2).gather(2, at);
                break;
            case LrpRuleKind.ZBox:
            {
                // The bound terms are the same for every example: gathered at each example's winners.
                z = flatPooled - BoundTerms(a, rule).flatten(2).expand(at.shape[0], -1, -1).gather(2, at);
                break;
            }
            default:
                z = flatPooled;
                break;
        }
        var s = StabilizedDivide(r.reshape(flatPooled.shape), z, rule.Kind == LrpRuleKind.Epsilon ? rule.Epsilon : 0);
        s.masked_fill_(flatPooled == 0, 0);
        // scatter_add, not an unpooling copy: with overlapping windows one position can win several of them.
        var full = zeros(convolved.shape[0], convolved.shape[1], convolved[0, 0].numel(), dtype: s.dtype).scatter_add_(2, at, s).view(convolved.shape);
        var result = rule.Kind == LrpRuleKind.ZBox ? ZBoxInputRelevance(a, full, rule) : a * Vjp(w, a, full);
        return result.MoveToOuterDisposeScope();
    }

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
                // The bound terms are the same for every example: broadcast.
                result = ZBoxInputRelevance(a, StabilizedDivide(r, output - BoundTerms(a, rule), 0), rule);
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

    /// <summary>A max pooling's output and its winners (indices into each channel's flattened input map); null
    /// winners for average pooling.</summary>
    public (Tensor Output, Tensor? Winners) ForwardWithWinners(Tensor input) => module switch
    {
        MaxPool2d pool => pool.forward_with_indices(input),
        MaxPool1d pool => pool.forward_with_indices(input),
        _ => (Forward(input), null),
    };

    public override Tensor Relevance(Tensor a, Tensor output, Tensor r, LrpRule rule, double recurrentEpsilon) =>
        Relevance(a, output, r, module is MaxPool1d or MaxPool2d ? ForwardWithWinners(a).Winners : null);

    /// <summary>Relevance of the input <paramref name="a"/> given the output's; <paramref name="winners"/>: for max
    /// pooling, <see cref="ForwardWithWinners"/>'s winners for <paramref name="a"/>.</summary>
    public Tensor Relevance(Tensor a, Tensor output, Tensor r, Tensor? winners)
    {
        using var scope = NewDisposeScope();
        if (winners is not null)
        {
            // a ⊙ ∂(s at the winner) with s = R / z and a = z at the winner is R itself: route R to the winners.
            using var zero = output == 0;
            var at = winners.flatten(2);
            var routed = r.masked_fill(zero, 0).reshape(at.shape);
            return zeros(a.shape[0], a.shape[1], a[0, 0].numel(), dtype: r.dtype).scatter_add_(2, at, routed).view(a.shape).MoveToOuterDisposeScope();
        }
        var s = StabilizedDivide(r, output, 0);
        return (a * VectorJacobian(Forward, a, s)).MoveToOuterDisposeScope();
    }
}

/// <summary>Element-wise ReLU, dropout (inference: identity) and reshapes: relevance passes unchanged (reshaped back).</summary>
internal sealed class PassThroughStep(string name, nn.Module<Tensor, Tensor> module, bool relu) : LayerStep(name)
{
    public bool IsRelu => relu;

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
