using System.Text.Json.Serialization;

namespace LayerScope.Evaluation;

/// <summary>
/// How many examples of each true class were predicted as each class: <see cref="Counts"/>[actual][predicted]. The
/// diagonal holds the correct predictions; a row sums to the class's support, a column to how often it was predicted.
/// Serialized as metrics.json's <c>confusionMatrix</c> (classes, counts).
/// </summary>
public sealed record ConfusionMatrix(
    [property: JsonPropertyName("classes")] IReadOnlyList<string> Classes,
    [property: JsonPropertyName("counts")] IReadOnlyList<IReadOnlyList<int>> Counts)
{
    /// <summary>Counts <paramref name="predicted"/> against <paramref name="actual"/> (class indices into
    /// <paramref name="classNames"/>).</summary>
    /// <exception cref="ArgumentException">The lists differ in length, or an index is not a class.</exception>
    public static ConfusionMatrix From(IReadOnlyList<int> actual, IReadOnlyList<int> predicted, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(classNames);
        if (actual.Count != predicted.Count)
            throw new ArgumentException($"{actual.Count} true labels but {predicted.Count} predictions.", nameof(predicted));
        int classes = classNames.Count;
        var counts = Enumerable.Range(0, classes).Select(_ => new int[classes]).ToArray();
        for (int i = 0; i < actual.Count; i++)
        {
            if ((uint)actual[i] >= (uint)classes || (uint)predicted[i] >= (uint)classes)
                throw new ArgumentException($"Example {i}: true class {actual[i]} / predicted class {predicted[i]} is not one of the {classes} classes.", nameof(actual));
            counts[actual[i]][predicted[i]]++;
        }
        return new ConfusionMatrix(classNames, counts);
    }

    /// <summary>Examples counted.</summary>
    [JsonIgnore]
    public int Total => Counts.Sum(row => row.Sum());

    /// <summary>Examples on the diagonal (predicted as their true class).</summary>
    [JsonIgnore]
    public int Correct => Enumerable.Range(0, Classes.Count).Sum(c => Counts[c][c]);
}
