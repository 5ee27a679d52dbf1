using System.Globalization;
using LayerScope.Attribution;
using LayerScope.Evaluation;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Workflows.Explanation;
using static TorchSharp.torch;

namespace LayerScope.Workflows.Sections;

/// <summary>One review shown with its words colored.</summary>
/// <param name="Index">Its position in the evaluated set.</param>
/// <param name="Actual">Its true class.</param>
/// <param name="Probability">The model's probability of class 1.</param>
/// <param name="Words">Its words (padding left out), in order.</param>
/// <param name="Lrp">LRP-ε relevance of each word toward the positive logit.</param>
/// <param name="IntegratedGradients">Integrated gradients (padding-token baseline) of each word toward the positive logit.</param>
public sealed record ColoredReview(int Index, int Actual, double Probability, IReadOnlyList<string> Words, IReadOnlyList<double> Lrp, IReadOnlyList<double> IntegratedGradients)
{
    public int Predicted => BinaryDecision.Class((float)Probability);
}

/// <summary>
/// A report section stage, heatmapping.org's text demo on movie reviews: the most confidently right and the most
/// confidently wrong test reviews of a binary token classifier, each word colored by how much it pushed the positive
/// logit up (red) or down (blue), by LRP (ε rule; Arras et al. 2017's rules through the LSTM) and by integrated
/// gradients from the all-padding review, with a picker between the two.
/// </summary>
/// <param name="Model">The classifier: an embedding first, a logit tensor named <see cref="LogitTensor"/>.</param>
/// <param name="Tokens">Token ids [N, T] of the evaluated reviews.</param>
/// <param name="Probabilities">The model's probability of class 1 per review.</param>
/// <param name="Labels">The true classes (0 or 1).</param>
/// <param name="WordOf">The word of a token id.</param>
/// <param name="ClassNames">Names of classes 0 and 1.</param>
public sealed record WordRelevanceSection(nn.Module<Tensor, Tensor> Model, Tensor Tokens, IReadOnlyList<float> Probabilities, IReadOnlyList<int> Labels,
    Func<long, string> WordOf, IReadOnlyList<string> ClassNames)
{
    /// <summary>Reviews of each kind (right, wrong).</summary>
    public int Count { get; init; } = 3;

    /// <summary>The id that pads a review (Keras' 0), left out of the text.</summary>
    public long PaddingToken { get; init; }

    /// <summary>The tensor whose value is the logit (before the sigmoid), explained by both methods.</summary>
    public string LogitTensor { get; init; } = "dense";

    /// <summary>The tensor whose output is the word vectors.</summary>
    public string EmbeddingTensor { get; init; } = "embedding";

    /// <summary>Integrated-gradients steps.</summary>
    public int Steps { get; init; } = 32;

    /// <summary>The most confidently right reviews (most confident first), then the most confidently wrong.</summary>
    public IReadOnlyList<int> Chosen()
    {
        var confidence = Probabilities.Select(p => Math.Max(p, 1 - p)).ToArray();
        var right = Enumerable.Range(0, Labels.Count).Where(i => BinaryDecision.Class(Probabilities[i]) == Labels[i])
            .OrderByDescending(i => confidence[i]).ThenBy(i => i).Take(Count);
        return [.. right, .. ConfidentMistakes.Top(Probabilities, Labels, Count).Select(m => m.Index)];
    }

    public IReadOnlyList<ColoredReview> AddTo(ReportBuilder report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var scope = NewDisposeScope();
        Model.eval();
        var subject = new AttributionSubject(new ExplainedModel(new ModuleDifferentiableModel(Model), LogitTensor, EmbeddingTensor), Model);
        var chosen = Chosen();
        var reviews = new List<ColoredReview>();
        if (chosen.Count > 0)
        {
            // All chosen reviews in one batch per method: both explain the same logit, so one target serves all.
            var tokens = Tokens.index_select(0, tensor(chosen.Select(i => (long)i).ToArray()));
            long length = tokens.shape[1];
            var lrp = AttributionMethods.Run("lrp-epsilon", subject, tokens, 0).PerPosition().Values;
            var ig = new IntegratedGradients(subject.Explained).Attribute(tokens, 0, new IntegratedGradientsOptions
            {
                Steps = Steps, Baseline = IntegratedGradientsBaseline.PaddingToken, PaddingToken = PaddingToken,
            }).PerPosition().Values;
            var ids = tokens.contiguous().data<long>().ToArray();
            for (int k = 0; k < chosen.Count; k++)
            {
                int index = chosen[k];
                var kept = Enumerable.Range(0, (int)length).Select(t => k * (int)length + t).Where(j => ids[j] != PaddingToken).ToList();
                reviews.Add(new ColoredReview(index, Labels[index], Probabilities[index], kept.Select(j => WordOf(ids[j])).ToList(),
                    kept.Select(j => (double)lrp[j]).ToList(), kept.Select(j => (double)ig[j]).ToList()));
            }
        }

        report.AddHeading("Which words drove the prediction");
        report.AddParagraph($"The {Count} most confidently right and the {Count} most confidently wrong test reviews, each word colored by how much it "
            + "pushed the positive logit up (red) or down (blue): LRP with the ε rule (through the LSTM by Arras et al. 2017's rules) and "
            + "integrated gradients from the all-padding review (choose with the picker; hover a word for both values).");
        foreach (var review in reviews)
        {
            var text = WordRelevanceText.From(review.Words, [("LRP-ε", review.Lrp), ("integrated gradients", review.IntegratedGradients)]);
            string kind = review.Predicted == review.Actual ? "right" : "wrong";
            report.AddTextView(string.Create(CultureInfo.InvariantCulture,
                $"Test review {review.Index}, {kind}: {ClassNames[review.Actual]}, predicted {ClassNames[review.Predicted]} (P(positive) {review.Probability:0.000}); colored by"),
                text.Text, text.Traces, text.HoverTexts);
        }
        return reviews;
    }
}
