namespace LayerScope.Data;

/// <summary>
/// Variable-length sequences of feature frames with one class label per sequence, as the Japanese Vowels data comes.
/// Sequence i is <c>Sequences[i]</c>: <see cref="Length"/>(i) frames of <see cref="Features"/> values, frame-major
/// (frame t is <c>Sequences[i][t * Features .. (t + 1) * Features]</c>).
/// </summary>
public sealed record LabeledSequences
{
    /// <param name="sequences">One array per sequence, frame-major; each holds a whole number (at least one) of frames.</param>
    /// <param name="features">Values per frame.</param>
    /// <param name="labels">One class index per sequence, each below <paramref name="classNames"/>' count.</param>
    /// <param name="featureNames">One name per feature.</param>
    /// <param name="classNames">One name per class index.</param>
    /// <param name="source">Where the sequences came from (a file path), for messages and reports.</param>
    /// <exception cref="ArgumentException">The sizes disagree or a label is out of range.</exception>
    public LabeledSequences(IReadOnlyList<float[]> sequences, int features, int[] labels, IReadOnlyList<string> featureNames,
        IReadOnlyList<string> classNames, string source)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (labels.Length != sequences.Count)
            throw new ArgumentException($"{sequences.Count} sequences need {sequences.Count} labels, not {labels.Length}.", nameof(labels));
        if (featureNames.Count != features)
            throw new ArgumentException($"{features} features need {features} feature names, not {featureNames.Count}.", nameof(featureNames));
        for (var i = 0; i < sequences.Count; i++)
        {
            if (sequences[i] is null || sequences[i].Length == 0 || sequences[i].Length % features != 0)
                throw new ArgumentException($"Sequence {i} must hold a whole number (at least one) of frames of {features} values.", nameof(sequences));
        }
        var badLabel = Array.FindIndex(labels, label => label < 0 || label >= classNames.Count);
        if (badLabel >= 0)
            throw new ArgumentException($"Sequence {badLabel} has label {labels[badLabel]}, but there are {classNames.Count} classes.", nameof(labels));

        Sequences = sequences;
        Features = features;
        Labels = labels;
        FeatureNames = featureNames;
        ClassNames = classNames;
        Source = source;
    }

    /// <summary>The sequences, each frame-major.</summary>
    public IReadOnlyList<float[]> Sequences { get; }

    /// <summary>Values per frame.</summary>
    public int Features { get; }

    /// <summary>The class index of each sequence.</summary>
    public int[] Labels { get; }

    /// <summary>The name of each feature.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The name of each class index.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Where the sequences came from.</summary>
    public string Source { get; }

    /// <summary>Number of sequences.</summary>
    public int Count => Sequences.Count;

    /// <summary>Number of frames (time steps) of sequence <paramref name="index"/>.</summary>
    public int Length(int index) => Sequences[index].Length / Features;

    /// <summary>The number of frames of the longest sequence (0 when there is none).</summary>
    public int MaxLength => Count == 0 ? 0 : Enumerable.Range(0, Count).Max(Length);

    /// <summary>How many sequences each class has, indexed by class.</summary>
    public int[] CountPerClass()
    {
        var counts = new int[ClassNames.Count];
        foreach (var label in Labels) counts[label]++;
        return counts;
    }

    /// <summary>Every frame of every sequence, one after another: a row-major [total frames, features] matrix.</summary>
    public float[] ConcatenatedFrames() => Sequences.SelectMany(s => s).ToArray();

    /// <summary>A copy whose sequences are <paramref name="transform"/> of these (for example standardised frames);
    /// each result must keep its sequence's length.</summary>
    public LabeledSequences MapSequences(Func<float[], float[]> transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        return new LabeledSequences(Sequences.Select(transform).ToList(), Features, Labels, FeatureNames, ClassNames, Source);
    }
}
