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

    /// <summary>Where each row's point is stored in the positions the optimizer works on (<see cref="TsnePointOrder"/>);
    /// <see cref="Columns"/> then name storage slots too. Null: row i is stored at i.</summary>
    internal int[]? RowSlots { get; private init; }

    /// <summary>This matrix with its points stored in the slots <paramref name="slotOf"/> (point → slot): the row
    /// offsets and values are shared, only the columns are renamed, so each row's sum runs over the same values in the
    /// same order. <paramref name="reuse"/>: a columns array of an earlier such copy, overwritten (so two orders in a
    /// row do not hold two copies).</summary>
    internal TsneAffinities StoredAt(int[] slotOf, int threads, int[]? reuse = null)
    {
        var columns = reuse is not null && reuse.Length == Columns.Length && reuse != Columns ? reuse : new int[Columns.Length];
        var source = Columns;
        ReductionThreads.ForChunks(columns.Length, 1 << 16, threads, (_, start, end) =>
        {
            for (int e = start; e < end; e++) columns[e] = slotOf[source[e]];
        });
        return new TsneAffinities(Count, RowOffsets, columns, Values) { RowSlots = slotOf };
    }

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
