namespace LayerScope.Reduction.Tsne;

/// <summary>
/// The joint probabilities P of t-SNE as a sparse symmetric matrix in compressed-row form: row i's non-zero entries
/// are <see cref="Columns"/>[<see cref="RowOffsets"/>[i] .. <see cref="RowOffsets"/>[i + 1]) with
/// <see cref="Values"/> at the same positions, columns increasing (except in a copy renumbered for storage,
/// <see cref="StoredAt"/>). All values sum to 1.
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

    /// <summary>This matrix with its points renumbered as <paramref name="order"/> stores them (point
    /// <see cref="TsnePointOrder.PointAt"/>[s] becomes row and column s): each row holds the same values in the same
    /// order, so every row's sum is the same. The rows are copied into storage order rather than visited through an
    /// index, so that the attraction streams through P in the order of the map (visiting a shared P in storage order
    /// made each row's cache lines a miss: 5.6–7.1 against 3.0 ns per affinity at 70,000 points). <paramref name="reuse"/>:
    /// an earlier such copy of this matrix, overwritten (so two orders in a row do not hold two copies).</summary>
    internal TsneAffinities StoredAt(TsnePointOrder order, int threads, TsneAffinities? reuse = null)
    {
        ArgumentNullException.ThrowIfNull(order);
        bool reusable = reuse is not null && reuse != this && reuse.Count == Count && reuse.NonZeroCount == NonZeroCount;
        var offsets = reusable ? reuse!.RowOffsets : new int[Count + 1];
        var columns = reusable ? reuse!.Columns : new int[Columns.Length];
        var values = reusable ? reuse!.Values : new float[Values.Length];
        var pointAt = order.PointAt;
        var slotOf = order.SlotOf;
        offsets[0] = 0;
        for (int s = 0; s < Count; s++) offsets[s + 1] = offsets[s] + RowOffsets[pointAt[s] + 1] - RowOffsets[pointAt[s]];
        var sourceColumns = Columns;
        var sourceValues = Values;
        var sourceOffsets = RowOffsets;
        ReductionThreads.ForChunks(Count, 4096, threads, (_, start, end) =>
        {
            for (int s = start; s < end; s++)
            {
                int from = sourceOffsets[pointAt[s]], to = offsets[s], length = offsets[s + 1] - to;
                for (int e = 0; e < length; e++) columns[to + e] = slotOf[sourceColumns[from + e]];
                Array.Copy(sourceValues, from, values, to, length);
            }
        });
        return reusable ? reuse! : new TsneAffinities(Count, offsets, columns, values);
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
