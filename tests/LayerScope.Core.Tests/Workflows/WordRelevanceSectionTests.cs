using LayerScope.Rendering.Html;
using LayerScope.Tests.Attribution;
using LayerScope.Workflows.Sections;
using static TorchSharp.torch;

namespace LayerScope.Tests.Workflows;

/// <summary>The IMDB demo's colored reviews on a tiny BiLSTM: which reviews, which words, and integrated gradients'
/// completeness per review.</summary>
public sealed class WordRelevanceSectionTests
{
    [Fact]
    public void The_most_confidently_right_and_wrong_reviews_are_colored_by_lrp_and_ig_without_padding()
    {
        using var scope = NewDisposeScope();
        var model = TinyModels.Lstm();
        var tokens = TinyModels.Tokens(6, 7);
        tokens[0, ..3] = zeros(3, dtype: ScalarType.Int64); // review 0 is pre-padded by three
        float[] probabilities = [0.99f, 0.6f, 0.2f, 0.95f, 0.05f, 0.7f];
        int[] labels = [1, 1, 0, 0, 1, 0];
        var report = new ReportBuilder("t");
        var section = new WordRelevanceSection(model, tokens, probabilities, labels, id => $"w{id}", ["negative", "positive"]) { Count = 2, Steps = 64 };

        Assert.Equal([0, 2, 4, 3], section.Chosen());
        var reviews = section.AddTo(report);

        Assert.Equal(4, reviews[0].Words.Count);
        Assert.All(reviews, r => Assert.DoesNotContain("w0", r.Words));
        var html = report.Build();
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Matches(html, "<figure class=\"textview\"").Count);
        Assert.Contains(">integrated gradients</option>", html, StringComparison.Ordinal);
        Assert.Contains("Test review 4, wrong: positive, predicted negative", html, StringComparison.Ordinal);
        // Completeness (Sundararajan et al. 2017): a review's word relevances sum to logit(review) − logit(all padding).
        model.eval();
        using var noGrad = no_grad();
        foreach (var review in reviews)
        {
            var logits = Logit(model, tokens[review.Index..(review.Index + 1)]) - Logit(model, zeros(1, 7, dtype: ScalarType.Int64));
            Assert.Equal(logits, review.IntegratedGradients.Sum(), Math.Max(0.02 * Math.Abs(logits), 1e-3));
        }
    }

    // The logit is the dense layer's output: the model itself ends in a sigmoid.
    private static double Logit(nn.Module<Tensor, Tensor> model, Tensor tokens)
    {
        var p = model.call(tokens).to(ScalarType.Float64).item<double>();
        return Math.Log(p / (1 - p));
    }
}
