namespace LayerScope.Evaluation;

/// <summary>The one rule that turns a binary classifier's probability of class 1 into a class, shared by the trainer's
/// accuracy, the predictions written to a run and the list of mistakes, so the three never disagree on a point.</summary>
public static class BinaryDecision
{
    /// <summary>Class 1 from this probability on (inclusive).</summary>
    public const float Threshold = 0.5f;

    /// <summary>The class of one probability.</summary>
    public static int Class(float positiveProbability) => positiveProbability >= Threshold ? 1 : 0;

    /// <summary>The class of every probability.</summary>
    public static int[] Classes(IReadOnlyList<float> positiveProbabilities)
    {
        ArgumentNullException.ThrowIfNull(positiveProbabilities);
        var classes = new int[positiveProbabilities.Count];
        for (int i = 0; i < classes.Length; i++) classes[i] = Class(positiveProbabilities[i]);
        return classes;
    }
}
