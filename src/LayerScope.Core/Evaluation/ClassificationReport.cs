using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace LayerScope.Evaluation;

/// <summary>Precision, recall and F1 of one class. <see cref="Support"/> is the number of examples truly in it.
/// Serialized as metrics.json's per-class entry (name, precision, recall, f1, support).</summary>
public sealed record ClassScores(
    [property: JsonPropertyName("name")] string Class,
    [property: JsonPropertyName("precision")] double Precision,
    [property: JsonPropertyName("recall")] double Recall,
    [property: JsonPropertyName("f1")] double F1,
    [property: JsonPropertyName("support")] int Support);

/// <summary>The classification report as metrics.json holds it: accuracy, then every class and the two averages.</summary>
public sealed record ClassificationSummary(
    [property: JsonPropertyName("accuracy")] double Accuracy,
    [property: JsonPropertyName("classes")] IReadOnlyList<ClassScores> Classes);

/// <summary>
/// Per-class precision, recall and F1, overall accuracy, and macro and support-weighted averages, as in
/// scikit-learn's <c>classification_report</c>. A class never predicted has precision 0 (not NaN).
/// </summary>
public sealed record ClassificationReport(
    IReadOnlyList<ClassScores> Classes,
    double Accuracy,
    ClassScores MacroAverage,
    ClassScores WeightedAverage)
{
    /// <summary>Scores <paramref name="predicted"/> against <paramref name="actual"/> (class indices into <paramref name="classNames"/>).</summary>
    public static ClassificationReport From(IReadOnlyList<int> actual, IReadOnlyList<int> predicted, IReadOnlyList<string> classNames)
    {
        if (actual.Count != predicted.Count)
            throw new ArgumentException($"{actual.Count} true labels but {predicted.Count} predictions", nameof(predicted));
        int classes = classNames.Count;
        var truePositives = new int[classes];
        var predictedCount = new int[classes];
        var support = new int[classes];
        int correct = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            support[actual[i]]++;
            predictedCount[predicted[i]]++;
            if (actual[i] == predicted[i]) { truePositives[actual[i]]++; correct++; }
        }
        var scores = Enumerable.Range(0, classes).Select(c =>
        {
            double precision = predictedCount[c] == 0 ? 0 : (double)truePositives[c] / predictedCount[c];
            double recall = support[c] == 0 ? 0 : (double)truePositives[c] / support[c];
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            return new ClassScores(classNames[c], precision, recall, f1, support[c]);
        }).ToList();
        int total = actual.Count;
        var macro = new ClassScores("macro avg", scores.Average(s => s.Precision), scores.Average(s => s.Recall), scores.Average(s => s.F1), total);
        double Weighted(Func<ClassScores, double> pick) => total == 0 ? 0 : scores.Sum(s => pick(s) * s.Support) / total;
        var weighted = new ClassScores("weighted avg", Weighted(s => s.Precision), Weighted(s => s.Recall), Weighted(s => s.F1), total);
        return new ClassificationReport(scores, total == 0 ? 0 : (double)correct / total, macro, weighted);
    }

    /// <summary>Every class, then the macro and the weighted average: the rows of a report table.</summary>
    public IReadOnlyList<ClassScores> AllRows => [.. Classes, MacroAverage, WeightedAverage];

    /// <summary>The form metrics.json stores.</summary>
    public ClassificationSummary ToSummary() => new(Accuracy, AllRows);

    /// <summary>The report as aligned text, like scikit-learn prints it.</summary>
    public string ToText()
    {
        int width = Math.Max(12, Classes.Max(c => c.Class.Length));
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"".PadLeft(width)} {"precision",9} {"recall",9} {"f1-score",9} {"support",9}");
        foreach (var row in Classes) AppendRow(text, row, width);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"accuracy".PadLeft(width)} {"",9} {"",9} {Accuracy,9:0.0000} {MacroAverage.Support,9}");
        AppendRow(text, MacroAverage, width);
        AppendRow(text, WeightedAverage, width);
        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, ClassScores row, int width) =>
        text.AppendLine(CultureInfo.InvariantCulture, $"{row.Class.PadLeft(width)} {row.Precision,9:0.0000} {row.Recall,9:0.0000} {row.F1,9:0.0000} {row.Support,9}");
}
