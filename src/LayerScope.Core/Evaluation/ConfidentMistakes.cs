namespace LayerScope.Evaluation;

/// <summary>One example a binary classifier got wrong, and how sure it was.</summary>
/// <param name="Index">The example's position in the evaluated set.</param>
/// <param name="Actual">Its true class (0 or 1).</param>
/// <param name="Predicted">The class predicted (the other one).</param>
/// <param name="Probability">The model's probability of class 1.</param>
public sealed record Mistake(int Index, int Actual, int Predicted, double Probability)
{
    /// <summary>The probability the model gave its (wrong) prediction, 0.5 to 1.</summary>
    public double Confidence => Predicted == 1 ? Probability : 1 - Probability;
}

/// <summary>
/// The examples a binary classifier got wrong most confidently: where the model is sure and wrong, its notion of the
/// classes differs most from the labels' (sarcasm, a mislabelled review, a plot summary that sounds negative), which
/// makes them the most instructive examples to read.
/// </summary>
public static class ConfidentMistakes
{
    /// <summary>The <paramref name="count"/> wrong predictions of highest confidence, most confident first (ties by
    /// index). The prediction rule is the trainer's: class 1 when the probability is at least 0.5.</summary>
    /// <param name="positiveProbability">The model's probability of class 1 per example.</param>
    /// <param name="actual">The true class (0 or 1) per example.</param>
    /// <param name="count">How many to return at most.</param>
    /// <exception cref="ArgumentException">The lists differ in length, or a label is not 0 or 1.</exception>
    public static IReadOnlyList<Mistake> Top(IReadOnlyList<float> positiveProbability, IReadOnlyList<int> actual, int count = 10)
    {
        ArgumentNullException.ThrowIfNull(positiveProbability);
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (positiveProbability.Count != actual.Count)
            throw new ArgumentException($"{positiveProbability.Count} probabilities for {actual.Count} labels.", nameof(actual));
        var mistakes = new List<Mistake>();
        for (int i = 0; i < actual.Count; i++)
        {
            if (actual[i] is not (0 or 1)) throw new ArgumentException($"Label {i} is {actual[i]}; a binary label is 0 or 1.", nameof(actual));
            int predicted = BinaryDecision.Class(positiveProbability[i]);
            if (predicted != actual[i]) mistakes.Add(new Mistake(i, actual[i], predicted, positiveProbability[i]));
        }
        return mistakes.OrderByDescending(m => m.Confidence).ThenBy(m => m.Index).Take(count).ToList();
    }
}
