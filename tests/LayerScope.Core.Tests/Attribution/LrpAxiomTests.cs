using LayerScope.Attribution;
using LayerScope.Attribution.Lrp;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Attribution;

/// <summary>LRP by its own axioms (Montavon et al. 2019): conservation with LRP-0 / small ε and no biases, and
/// LRP-0 = Gradient × Input on bias-free ReLU networks.</summary>
public sealed class LrpAxiomTests
{
    public static TheoryData<string, string> ModelsAndRules() => new()
    {
        { "dense", "lrp-0" }, { "dense", "lrp-epsilon" }, { "dense", "alpha1beta0" }, { "dense", "gamma" },
        { "conv", "lrp-0" }, { "conv", "lrp-epsilon" }, { "conv", "gamma" }, { "conv", "alpha1beta0" },
        { "conv", "zbox" }, { "strided", "lrp-0" }, { "strided", "zbox" },
        { "lstm", "lrp-0" }, { "lstm", "lrp-epsilon" },
        { "gru", "lrp-0" }, { "gru", "lrp-epsilon" },
    };

    [Theory]
    [MemberData(nameof(ModelsAndRules))]
    public void Input_relevances_sum_to_the_explained_logit(string model, string rule)
    {
        using var scope = NewDisposeScope();
        var (module, inputs) = Build(model);
        var lrpRule = rule switch
        {
            "lrp-0" => LrpRule.Zero,
            "lrp-epsilon" => LrpRule.EpsilonRule(1e-9),
            "gamma" => LrpRule.GammaRule(0.25),
            _ => LrpRule.AlphaBetaRule(1, 0),
        };
        // z^B at the pixels (inputs in 0..1), LRP-0 above: z^B splits z_j = Σ_i (x_i w_ij − l w⁺_ij − h w⁻_ij) exactly.
        var lrp = new LayerwiseRelevance(module, rule == "zbox"
            ? new LrpComposite(p => p.IsInput ? LrpRule.ZBoxRule(0, 1) : LrpRule.Zero)
            : LrpComposite.Uniform(lrpRule));
        long classes = module.call(inputs[..1]).shape[^1];
        for (long target = 0; target < Math.Min(2, classes); target++)
        {
            var result = lrp.Attribute(inputs, target);
            var sums = result.SumPerExample();
            for (int n = 0; n < sums.Length; n++)
            {
                double logit = result.ClassScores.Values[n * result.ClassScores.FeaturesPerExample + target];
                // α1β0 keeps only positive contributions, so it conserves where the explained logit is positive (every
                // active ReLU has a positive part); a negative logit has none at the output layer.
                if (rule == "alpha1beta0" && logit <= 0) continue;
                double tolerance = 1e-4;
                Assert.True(Math.Abs(sums[n] - logit) <= tolerance * Math.Max(Math.Abs(logit), 1e-6),
                    $"{model}/{rule} example {n} class {target}: relevances sum to {sums[n]}, logit {logit}");
                Assert.Equal(sums[n] - logit, result.ConvergenceDelta![n], 6);
            }
        }
    }

    [Theory]
    [InlineData("dense")]
    [InlineData("conv")]
    [InlineData("strided")]
    public void Lrp0_on_a_bias_free_relu_network_equals_gradient_times_input(string model)
    {
        using var scope = NewDisposeScope();
        var (module, inputs) = Build(model);
        var lrp = new LayerwiseRelevance(module, LrpComposite.Uniform(LrpRule.Zero)).Attribute(inputs, 1);
        var gxi = new GradientTimesInput(new ExplainedModel(new ModuleDifferentiableModel(module), ModuleDifferentiableModel.OutputName)).Attribute(inputs, 1);
        Assert.Equal(gxi.Relevance.Shape, lrp.Relevance.Shape);
        double scale = gxi.Relevance.Values.Max(v => Math.Abs(v));
        Assert.True(scale > 0);
        for (int i = 0; i < gxi.Relevance.Values.Length; i++)
            Assert.True(Math.Abs(gxi.Relevance.Values[i] - lrp.Relevance.Values[i]) <= 1e-5 * scale, $"element {i}: {lrp.Relevance.Values[i]} vs {gxi.Relevance.Values[i]}");
    }

    [Fact]
    public void The_GRU_replay_computes_what_libtorch_computes_in_both_directions()
    {
        using var scope = NewDisposeScope();
        var module = TinyModels.Gru();
        var tokens = TinyModels.Tokens(3, 7);
        var result = new LayerwiseRelevance(module, LrpComposite.Uniform(LrpRule.Zero)).Attribute(tokens, 1);
        module.eval();
        var expected = module.call(tokens).data<double>().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], result.ClassScores.Values[i], 6); // scores are stored as float
        // Every time step gets relevance: the forward direction alone would leave the first steps' share to the
        // backward one; a missing direction shows as rows of zeros.
        var perStep = result.Relevance.Values.Chunk(5).Select(v => v.Sum(x => Math.Abs(x))).ToArray();
        Assert.All(perStep, s => Assert.True(s > 0));
    }

    public static TheoryData<string, string> FusableRules() => new()
    {
        { "conv", "lrp-0" }, { "conv", "lrp-epsilon" }, { "conv", "gamma" }, { "conv", "zbox" }, { "conv", "alpha2beta1" },
        { "overlapping", "lrp-epsilon" }, { "overlapping", "gamma" }, { "overlapping", "zbox" },
    };

    // convolution → ReLU → max pooling runs as one step that divides on the pooled tensor; it must give the numbers of
    // the three steps apart, biases included (γ modifies them) and with overlapping windows (one position winning two).
    [Theory]
    [MemberData(nameof(FusableRules))]
    public void The_fused_convolution_relu_and_pooling_step_equals_the_steps_apart(string model, string rule)
    {
        using var scope = NewDisposeScope();
        var (module, inputs) = model == "conv" ? (TinyModels.Conv(bias: true), TinyModels.Inputs([4, 1, 8, 8])) : (TinyModels.OverlappingPools(), TinyModels.Inputs([4, 1, 9, 9]));
        var composite = rule switch
        {
            "lrp-0" => LrpComposite.Uniform(LrpRule.Zero),
            "lrp-epsilon" => LrpComposite.Uniform(LrpRule.EpsilonRule(0.25)),
            "gamma" => LrpComposite.Uniform(LrpRule.GammaRule(0.25)),
            "alpha2beta1" => LrpComposite.Uniform(LrpRule.AlphaBetaRule(2, 1)),
            _ => LrpComposite.Montavon2019(0, 1),
        };
        var fused = new LayerwiseRelevance(module, composite).Attribute(inputs, 1).Relevance.Values;
        var apart = new LayerwiseRelevance(module, composite) { Fused = false }.Attribute(inputs, 1).Relevance.Values;
        double scale = apart.Max(v => Math.Abs(v));
        Assert.True(scale > 0);
        for (int i = 0; i < apart.Length; i++)
            Assert.True(Math.Abs(fused[i] - apart[i]) <= 1e-6 * scale, $"{model}/{rule} element {i}: fused {fused[i]}, apart {apart[i]}");
    }

    [Fact]
    public void Biases_absorb_relevance_and_the_delta_says_how_much()
    {
        using var scope = NewDisposeScope();
        var module = TinyModels.Dense(bias: true);
        var result = new LayerwiseRelevance(module, LrpComposite.Uniform(LrpRule.Zero)).Attribute(TinyModels.Inputs([4, 6]), 0);
        Assert.Contains(result.ConvergenceDelta!, d => Math.Abs(d) > 1e-6);
    }

    [Fact]
    public void BatchNorm_is_folded_into_the_convolution_before_it()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var bn = nn.BatchNorm2d(4);
        var module = nn.Sequential(("conv", nn.Conv2d(1, 4, 3, padding: 1, bias: false)), ("bn", bn), ("relu", nn.ReLU()),
            ("flatten", nn.Flatten()), ("fc", nn.Linear(256, 2, hasBias: false))).to(ScalarType.Float64);
        using (no_grad())
        {
            bn.running_mean!.copy_(tensor(new[] { 0.1, -0.2, 0.0, 0.3 }, dtype: ScalarType.Float64));
            bn.running_var!.copy_(tensor(new[] { 0.5, 2.0, 1.0, 1.5 }, dtype: ScalarType.Float64));
        }
        var inputs = TinyModels.Inputs([3, 1, 8, 8]);
        var result = new LayerwiseRelevance(module, LrpComposite.Uniform(LrpRule.EpsilonRule(1e-9))).Attribute(inputs, 0);
        // The logits come from the folded chain; they must equal the module's own output.
        module.eval();
        var expected = module.call(inputs).select(1, 0).data<double>().ToArray();
        for (int n = 0; n < expected.Length; n++) Assert.Equal(expected[n], result.ClassScores.Values[n * 2], 4);
    }

    [Fact]
    public void The_composite_with_z_box_at_the_pixels_explains_a_conv_net()
    {
        using var scope = NewDisposeScope();
        var (module, inputs) = Build("conv");
        var result = new LayerwiseRelevance(module, LrpComposite.Montavon2019(0, 1)).Attribute(inputs, 2);
        Assert.All(result.Relevance.Values, v => Assert.True(float.IsFinite(v)));
        Assert.Contains(result.Relevance.Values, v => v != 0);
    }

    [Fact]
    public void A_model_that_is_not_a_chain_is_refused()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<LayerScope.Errors.LayerScopeException>(() => new LayerwiseRelevance(
            nn.Sequential(("fc", nn.Linear(3, 2)), ("gelu", nn.GELU())), LrpComposite.Uniform(LrpRule.Zero)));
        Assert.Contains("'gelu' is a GELU", error.Message);
    }

    private static (TorchSharp.torch.nn.Module<Tensor, Tensor> Module, Tensor Inputs) Build(string model) => model switch
    {
        "dense" => (TinyModels.Dense(), TinyModels.Inputs([5, 6])),
        "conv" => (TinyModels.Conv(), TinyModels.Inputs([4, 1, 8, 8])),
        "strided" => (TinyModels.StridedConv(), TinyModels.Inputs([4, 1, 10, 10])),
        "gru" => (TinyModels.Gru(), TinyModels.Tokens(3, 7)),
        _ => (TinyModels.Lstm(), TinyModels.Tokens(3, 7)),
    };
}
