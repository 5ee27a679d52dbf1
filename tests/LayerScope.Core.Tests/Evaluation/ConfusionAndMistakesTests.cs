using LayerScope.Evaluation;
using LayerScope.Rendering.Html;
using LayerScope.Workflows.Sections;

namespace LayerScope.Tests.Evaluation;

public class ConfusionAndMistakesTests
{
    private static readonly string[] Names = ["negative", "positive"];

    [Fact]
    public void Confusion_matrix_rows_are_true_classes_and_agree_with_the_classification_report()
    {
        int[] actual = [0, 0, 0, 1, 1, 1, 1];
        int[] predicted = [0, 1, 0, 1, 1, 0, 1];
        var matrix = ConfusionMatrix.From(actual, predicted, Names);

        Assert.Equal([2, 1], matrix.Counts[0]);   // two negatives right, one called positive
        Assert.Equal([1, 3], matrix.Counts[1]);
        Assert.Equal(7, matrix.Total);
        var report = ClassificationReport.From(actual, predicted, Names);
        Assert.Equal(report.Accuracy, (double)matrix.Correct / matrix.Total, 12);
        Assert.Equal(report.Classes[1].Recall, 3.0 / 4, 12);
        var rows = new ConfusionMatrixSection(matrix).Rows();
        Assert.Equal(["positive", "1 (25.0%)", "3 (75.0%)"], rows[1]);
    }

    [Fact]
    public void Confusion_matrix_refuses_a_label_outside_the_classes()
    {
        var error = Assert.Throws<ArgumentException>(() => ConfusionMatrix.From([0, 2], [0, 1], Names));
        Assert.Contains("Example 1", error.Message);
    }

    [Fact]
    public void Confident_mistakes_are_the_wrong_predictions_most_sure_first_with_the_trainers_threshold()
    {
        float[] probability = [0.99f, 0.02f, 0.6f, 0.5f, 0.3f, 0.1f, 0.95f];
        int[] actual = [1, 1, 0, 0, 0, 1, 0];
        var mistakes = ConfidentMistakes.Top(probability, actual, count: 3);

        // Wrong: 1 (p 0.02, true positive: 0.98 sure of negative), 2 (0.6), 3 (0.5 counts as positive), 5 (0.9 sure), 6 (0.95).
        Assert.Equal([1, 6, 5], mistakes.Select(m => m.Index));
        Assert.Equal(0.98, mistakes[0].Confidence, 6);
        Assert.All(mistakes, m => Assert.NotEqual(m.Actual, m.Predicted));
        Assert.Equal(5, ConfidentMistakes.Top(probability, actual, count: 100).Count);
        Assert.Contains(ConfidentMistakes.Top(probability, actual, count: 100), m => m.Index == 3 && m.Predicted == 1);
    }

    [Fact]
    public void Mistakes_section_shows_each_mistakes_text_escaped_and_cut_at_a_word()
    {
        var mistakes = ConfidentMistakes.Top([0.9f], [0]);
        var section = new MistakesSection(mistakes, ["<b>great</b> " + string.Join(' ', Enumerable.Repeat("word", 50))], Names) { MaxTextLength = 40 };
        var row = section.Rows()[0];
        Assert.Equal(["0", "negative", "positive", "0.900"], row.Take(4));
        Assert.EndsWith(" …", row[4]);
        Assert.True(row[4].Length <= 42);
        var report = new ReportBuilder("t");
        section.AddTo(report);
        Assert.Contains("&lt;b&gt;great", report.Build());
    }
}
