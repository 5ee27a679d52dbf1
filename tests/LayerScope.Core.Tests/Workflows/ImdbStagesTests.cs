using LayerScope.Data.Reviews;
using LayerScope.Models.Zoo;
using LayerScope.Rendering.Html;
using LayerScope.Storage;
using LayerScope.Testing;
using LayerScope.Text;
using LayerScope.Training;
using LayerScope.Workflows.Sections;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Workflows;

public class ImdbStagesTests
{
    private static List<MovieReview> Reviews(int negative, int positive) =>
        [.. Enumerable.Range(0, negative).Select(i => new MovieReview(i, 0, 1, $"bad {i}")),
         .. Enumerable.Range(0, positive).Select(i => new MovieReview(i, 1, 10, $"good {i}"))];

    [Fact]
    public void A_balanced_subset_takes_half_of_each_class_in_random_order_and_depends_only_on_the_seed()
    {
        var reviews = Reviews(100, 60);
        var subset = ReviewSampling.Balanced(reviews, 41, seed: 3);
        Assert.Equal(41, subset.Count);
        Assert.Equal(21, subset.Count(r => r.Label == 0)); // the odd review from the larger class
        Assert.Equal(41, subset.Distinct().Count());
        Assert.NotEqual(subset.OrderBy(r => r.Label).ThenBy(r => r.Id), subset); // shuffled, not sorted
        Assert.Equal(subset, ReviewSampling.Balanced(reviews, 41, seed: 3));
        Assert.NotEqual(subset, ReviewSampling.Balanced(reviews, 41, seed: 4));
        // Too few of one class: all of it, the rest from the other.
        Assert.Equal(60, ReviewSampling.Balanced(reviews, 150, seed: 3).Count(r => r.Label == 1));
        Assert.Equal(160, ReviewSampling.Balanced(reviews, 1000, seed: 3).Count);
    }

    [Fact]
    public void A_hold_out_keeps_the_class_proportions_and_loses_no_review()
    {
        var reviews = Reviews(100, 50);
        var split = ReviewSampling.HoldOut(reviews, 0.2, seed: 1);
        Assert.Equal((20, 10), (split.Validation.Count(r => r.Label == 0), split.Validation.Count(r => r.Label == 1)));
        Assert.Equal(120, split.Train.Count);
        Assert.Equal(reviews.OrderBy(r => r.Label).ThenBy(r => r.Id), split.Train.Concat(split.Validation).OrderBy(r => r.Label).ThenBy(r => r.Id));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReviewSampling.HoldOut(reviews, 1, seed: 1));
    }

    [Fact]
    public void Review_tensors_are_pre_padded_word_indices_with_labels()
    {
        var reviews = new List<MovieReview> { new(0, 1, 9, "Good good film"), new(1, 0, 2, "bad") };
        var vocabulary = WordVocabulary.Build(reviews.Select(r => r.Text));
        var tensors = ReviewTensors.Encode(reviews, vocabulary, maxLength: 5);
        Assert.Equal([2L, 5], tensors.Features.shape);
        Assert.Equal(ScalarType.Int64, tensors.Features.dtype);
        var good = vocabulary.IndexOf("good");
        Assert.Equal([0L, 1, good, good, vocabulary.IndexOf("film")], tensors.Features[0].data<long>().ToArray());
        Assert.Equal([1L, 0], tensors.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Display_text_turns_html_line_breaks_into_new_lines_and_keeps_the_rest()
    {
        Assert.Equal("One.\n\nTwo <b> 3 < 4", ReviewTokenizer.ForDisplay("One.<br /><br />Two <b> 3 < 4"));
        Assert.Equal("a\nb", ReviewTokenizer.ForDisplay("a<BR/>b"));
    }

    [Fact]
    public void Batched_predictions_equal_one_pass_over_all_rows()
    {
        torch.manual_seed(5);
        using var model = new ImdbBiLstm(vocabulary: 30, embeddingSize: 6, units: 4);
        using var scope = torch.NewDisposeScope();
        var inputs = randint(0, 30, [23, 9], dtype: ScalarType.Int64);
        var batched = Trainer.PredictOutputs(model, inputs, batchSize: 5);
        model.eval();
        using var noGrad = torch.no_grad();
        var whole = model.call(inputs).data<float>().ToArray();
        Assert.Equal([23L, 1], batched.Shape);
        for (int i = 0; i < whole.Length; i++) Assert.Equal(whole[i], batched.Values[i], 5);
        Assert.Equal(Trainer.PredictClasses(model, inputs, ClassificationObjective.Binary), LayerScope.Evaluation.BinaryDecision.Classes(batched.Values));
    }

    [Fact]
    public void Explained_variance_section_draws_a_rising_cumulative_curve_and_tabulates_it()
    {
        using var folder = new TemporaryFolder();
        using var output = StagedDirectory.Create(folder.File("out"), "report.html");
        var section = new ExplainedVarianceSection([0.5, 0.3, 0.1]) { Subject = "bilstm" };
        Assert.Equal([0.5, 0.8, 0.9], section.Cumulative().Select(v => Math.Round(v, 12)));
        Assert.Equal(["3", "0.1000", "0.9000"], section.Rows()[2]);
        var report = new ReportBuilder("t");
        var png = section.AddTo(report, output);
        Assert.True(png.Length > 1000);
        Assert.Contains("0.900 of the variance", report.Build());
        Assert.True(File.Exists(output.File("pca-variance.png")));
    }
}
