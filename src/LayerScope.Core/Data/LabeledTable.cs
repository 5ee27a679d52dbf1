using LayerScope.Errors;
namespace LayerScope.Data;

/// <summary>
/// A table of numeric features with one class label per row, as small tabular data sets (banknote authentication)
/// come. Features are stored row-major in one array: row r is <c>Features[r * Columns .. (r + 1) * Columns]</c>.
/// </summary>
public sealed record LabeledTable
{
    /// <param name="features">Rows × columns values, row-major.</param>
    /// <param name="rows">Number of rows (examples).</param>
    /// <param name="columns">Number of features per row.</param>
    /// <param name="labels">One class index per row, each below <paramref name="classNames"/>' count.</param>
    /// <param name="featureNames">One name per column.</param>
    /// <param name="classNames">One name per class index.</param>
    /// <param name="source">Where the rows came from (a file path), for messages and reports.</param>
    /// <exception cref="ArgumentException">The sizes disagree or a label is out of range.</exception>
    public LabeledTable(float[] features, int rows, int columns, int[] labels, IReadOnlyList<string> featureNames,
        IReadOnlyList<string> classNames, string source)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (features.LongLength != (long)rows * columns)
            throw new ArgumentException($"{rows} rows of {columns} columns need {(long)rows * columns} features, not {features.Length}.", nameof(features));
        if (labels.Length != rows)
            throw new ArgumentException($"{rows} rows need {rows} labels, not {labels.Length}.", nameof(labels));
        if (featureNames.Count != columns)
            throw new ArgumentException($"{columns} columns need {columns} feature names, not {featureNames.Count}.", nameof(featureNames));
        var badLabel = Array.FindIndex(labels, label => label < 0 || label >= classNames.Count);
        if (badLabel >= 0)
            throw new ArgumentException($"Row {badLabel} has label {labels[badLabel]}, but there are {classNames.Count} classes.", nameof(labels));

        Features = features;
        Rows = rows;
        Columns = columns;
        Labels = labels;
        FeatureNames = featureNames;
        ClassNames = classNames;
        Source = source;
    }

    /// <summary>All features, row-major (<see cref="Rows"/> × <see cref="Columns"/>).</summary>
    public float[] Features { get; }

    /// <summary>Number of rows (examples).</summary>
    public int Rows { get; }

    /// <summary>Number of features per row.</summary>
    public int Columns { get; }

    /// <summary>The class index of each row.</summary>
    public int[] Labels { get; }

    /// <summary>The name of each column.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The name of each class index.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Where the rows came from.</summary>
    public string Source { get; }

    /// <summary>The features of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row) => Features.AsSpan(row * Columns, Columns);

    /// <summary>How many rows each class has, indexed by class.</summary>
    public int[] CountPerClass()
    {
        var counts = new int[ClassNames.Count];
        foreach (var label in Labels) counts[label]++;
        return counts;
    }

    /// <summary>A table of the given rows, in the given order.</summary>
    public LabeledTable SelectRows(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var features = new float[rows.Count * Columns];
        var labels = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            Row(rows[i]).CopyTo(features.AsSpan(i * Columns, Columns));
            labels[i] = Labels[rows[i]];
        }
        return new LabeledTable(features, rows.Count, Columns, labels, FeatureNames, ClassNames, Source);
    }

    /// <summary>Shuffles the rows with <paramref name="seed"/> and splits them: the first
    /// round(<paramref name="testFraction"/> × rows) go to the test table, the rest to the training table. The same
    /// seed always gives the same split.</summary>
    /// <param name="testFraction">The share of rows for testing, from 0 to 1.</param>
    /// <param name="seed">Seeds the shuffle.</param>
    public (LabeledTable Train, LabeledTable Test) Split(double testFraction, int seed)
    {
        if (!(testFraction >= 0 && testFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be between 0 and 1.");
        var order = Enumerable.Range(0, Rows).ToArray();
        // System.Random with a seed uses the same algorithm in every .NET version, so splits are reproducible.
        new Random(seed).Shuffle(order);
        var testCount = TestCount(Rows, testFraction);
        // A fraction strictly between 0 and 1 asks for two parts; one left empty would fail much later, deep in
        // training or plotting, with an error that no longer says the file is too short.
        if (testFraction is > 0 and < 1 && (testCount == 0 || testCount == Rows))
        {
            var needed = 2;
            while (TestCount(needed, testFraction) is var t && (t == 0 || t == needed)) needed++;
            throw new LayerScopeException(
                $"{Source}: need at least {needed} rows to hold out a test fraction of {testFraction} and keep rows for training; found {Rows}.");
        }
        return (SelectRows(order[testCount..]), SelectRows(order[..testCount]));
    }

    private static int TestCount(int rows, double testFraction) => (int)Math.Round(rows * testFraction, MidpointRounding.AwayFromZero);
}
