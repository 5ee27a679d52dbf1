using LayerScope.Attribution;
using LayerScope.Attribution.Lrp;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Attribution;

/// <summary>The quality checks of the issue on a trained tiny model: the class depends on features 0 and 1 of 10
/// (standardized, so 0 is "no evidence"). Model randomization (Adebayo et al. 2018) must change the maps; deletion
/// most-relevant-first (Samek et al. 2017) must drop the score faster than random deletion, for every method.</summary>
public sealed class SanityAndDeletionTests
{
    // Trained once for the class: the tests read it and never change it.
    private static readonly Lazy<(nn.Module<Tensor, Tensor> Model, Tensor Inputs)> Shared = new(Train);

    private static (nn.Module<Tensor, Tensor> Model, Tensor Inputs) Trained() => Shared.Value;

    private static (nn.Module<Tensor, Tensor> Model, Tensor Inputs) Train()
    {
        using var outer = NewDisposeScope();
        manual_seed(21);
        var x = randn(512, 10, dtype: ScalarType.Float64);
        var y = (x[.., 0] + x[.., 1] > 0).to(ScalarType.Int64);
        var model = nn.Sequential(("fc1", nn.Linear(10, 16)), ("relu", nn.ReLU()), ("fc2", nn.Linear(16, 2))).to(ScalarType.Float64);
        var optimizer = optim.Adam(model.parameters(), 0.03);
        for (int i = 0; i < 150; i++)
        {
            optimizer.zero_grad();
            using var loss = nn.functional.cross_entropy(model.call(x), y);
            loss.backward();
            optimizer.step();
        }
        model.eval();
        // Explain examples of class 1 that the model is sure of.
        using var noGrad = no_grad();
        var scores = model.call(x);
        var confident = (scores[.., 1] - scores[.., 0] > 2).nonzero().squeeze(1)[..32];
        var chosen = x.index_select(0, confident);
        chosen.DetachFromDisposeScope();
        return (model, chosen);
    }

    public static TheoryData<string> Methods() => ["lrp-epsilon", "lrp-composite", "gradient-x-input", "ig", "occlusion", "smoothgrad"];

    private static AttributionResult Explain(string method, nn.Module<Tensor, Tensor> model, Tensor inputs)
    {
        var explained = new ExplainedModel(new ModuleDifferentiableModel(model), ModuleDifferentiableModel.OutputName);
        return method switch
        {
            "lrp-epsilon" => new LayerwiseRelevance(model, LrpComposite.Uniform(LrpRule.EpsilonRule(0.01))).Attribute(inputs, 1),
            "lrp-composite" => new LayerwiseRelevance(model, LrpComposite.Montavon2019()).Attribute(inputs, 1),
            "gradient-x-input" => new GradientTimesInput(explained).Attribute(inputs, 1),
            "ig" => new IntegratedGradients(explained).Attribute(inputs, 1, new IntegratedGradientsOptions { Steps = 16 }),
            "smoothgrad" => TimesInput(new SmoothGrad(explained).Attribute(inputs, 1, new SmoothGradOptions { Samples = 8 }), inputs),
            _ => new Occlusion(new DifferentiableScorer(explained)).Attribute(inputs, 1, new OcclusionOptions { Window = 1, Stride = 1 }),
        };
    }

    // SmoothGrad averages gradients; times the input it ranks evidence like gradient × input (Smilkov et al. 2017, section 4).
    private static AttributionResult TimesInput(AttributionResult result, Tensor inputs)
    {
        var x = inputs.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        return result with { Relevance = result.Relevance with { Values = result.Relevance.Values.Select((v, i) => v * x[i]).ToArray() } };
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Deleting_the_most_relevant_inputs_first_drops_the_score_faster_than_random(string method)
    {
        using var scope = NewDisposeScope();
        var (model, inputs) = Trained();
        var result = Explain(method, model, inputs);
        var explained = new ExplainedModel(new ModuleDifferentiableModel(model), ModuleDifferentiableModel.OutputName);
        var curves = DeletionCurve.Compute(new DifferentiableScorer(explained), inputs, result, new DeletionOptions { Steps = 10 });
        Assert.True(curves.AreaBetween > 0.2, $"{method}: area between random and most-relevant-first curves is {curves.AreaBetween:F3}");
        Assert.True(curves.MostRelevantFirst[2] < curves.Random[2], $"{method}: after 20 % removed {curves.MostRelevantFirst[2]:F3} vs random {curves.Random[2]:F3}");
    }

    [Theory]
    [InlineData("lrp-epsilon")]
    [InlineData("gradient-x-input")]
    public void Randomizing_the_weights_changes_the_explanation(string method)
    {
        using var scope = NewDisposeScope();
        var (model, inputs) = Trained();
        var trained = Explain(method, model, inputs);
        manual_seed(99);
        var random = nn.Sequential(("fc1", nn.Linear(10, 16)), ("relu", nn.ReLU()), ("fc2", nn.Linear(16, 2))).to(ScalarType.Float64);
        var randomized = Explain(method, random, inputs);
        var correlations = RankCorrelation.Spearman(trained, randomized);
        double mean = correlations.Average();
        Assert.True(mean < 0.5, $"{method}: mean rank correlation trained vs randomized {mean:F3}");
        // The same model twice correlates perfectly: the figure measures the model, not noise.
        Assert.All(RankCorrelation.Spearman(trained, Explain(method, model, inputs)), r => Assert.Equal(1, r, 6));
    }
}
