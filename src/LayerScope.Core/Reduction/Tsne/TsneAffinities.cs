namespace LayerScope.Reduction.Tsne;

/// <summary>
/// The joint probabilities P of t-SNE as a sparse symmetric matrix in compressed-row form: row i's non-zero entries
/// are <see cref="Columns"/>[<see cref="RowOffsets"/>[i] .. <see cref="RowOffsets"/>[i + 1]) with
/// <see cref="Values"/> at the same positions, columns increasing. All values sum to 1.
/// </summary>
public sealed class TsneAffinities
{
    /// <summary>Wraps a compressed-row matrix of <paramref name="count"/> rows.</summary>
    public TsneAffinities(int count, int[] rowOffsets, int[] columns, float[] values)
    {
        ArgumentNullException.ThrowIfNull(rowOffsets);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(values);
        if (rowOffsets.Length != count + 1 || columns.Length != values.Length || rowOffsets[count] != columns.Length)
            throw new ArgumentException("Row offsets, columns and values do not describe one compressed-row matrix.");
        Count = count;
        RowOffsets = rowOffsets;
        Columns = columns;
        Values = values;
    }

    /// <summary>The number of points (rows and columns).</summary>
    public int Count { get; }

    /// <summary>Start of each row in <see cref="Columns"/> and <see cref="Values"/>; Count + 1 entries.</summary>
    public int[] RowOffsets { get; }

    /// <summary>Column of each non-zero entry.</summary>
    public int[] Columns { get; }

    /// <summary>Value of each non-zero entry.</summary>
    public float[] Values { get; }

    /// <summary>The number of non-zero entries.</summary>
    public int NonZeroCount => Columns.Length;

    /// <summary>Σ p log p over the non-zero entries (the constant part of the KL divergence).</summary>
    internal double SumPLogP()
    {
        double sum = 0;
        foreach (float p in Values) if (p > 0) sum += p * Math.Log(p);
        return sum;
    }
}
