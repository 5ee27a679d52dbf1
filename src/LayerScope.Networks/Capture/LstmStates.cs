namespace LayerScope.Capture;

/// <summary>
/// The hidden state h_t and the cell state c_t of an LSTM at every time step of a batch of sequences, from
/// <see cref="LstmStepper"/>. <see cref="Hidden"/> and <see cref="Cell"/> are row-major [Count, Steps, Units]; steps at
/// or beyond a sequence's length are NaN.
/// </summary>
/// <param name="Hidden">h_t, [Count, Steps, Units], NaN beyond each sequence's length.</param>
/// <param name="Cell">c_t, [Count, Steps, Units], NaN beyond each sequence's length.</param>
/// <param name="Count">Number of sequences.</param>
/// <param name="Steps">Time steps of the longest sequence.</param>
/// <param name="Units">Hidden units.</param>
/// <param name="Lengths">Each sequence's length.</param>
public sealed record LstmStates(float[] Hidden, float[] Cell, int Count, int Steps, int Units, int[] Lengths)
{
    /// <summary>The shape of <see cref="Hidden"/> and <see cref="Cell"/>: [Count, Steps, Units].</summary>
    public long[] Shape => [Count, Steps, Units];

    /// <summary>h_t of <paramref name="sequence"/> at <paramref name="step"/> (all units).</summary>
    public ReadOnlySpan<float> HiddenAt(int sequence, int step) => Hidden.AsSpan(Offset(sequence, step), Units);

    /// <summary>c_t of <paramref name="sequence"/> at <paramref name="step"/> (all units).</summary>
    public ReadOnlySpan<float> CellAt(int sequence, int step) => Cell.AsSpan(Offset(sequence, step), Units);

    /// <summary>The last hidden state of every sequence (at its own length): row-major [Count, Units].</summary>
    public float[] FinalHidden()
    {
        var result = new float[Count * Units];
        for (int n = 0; n < Count; n++) HiddenAt(n, Lengths[n] - 1).CopyTo(result.AsSpan(n * Units, Units));
        return result;
    }

    /// <summary>The chosen <paramref name="units"/> of <paramref name="sequence"/> over its time steps, as a
    /// [units, length] matrix (one row per unit) for a heatmap; <paramref name="cell"/> picks c_t instead of h_t.</summary>
    public double[,] UnitsOverTime(int sequence, IReadOnlyList<int> units, bool cell = false)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(sequence, Count);
        var source = cell ? Cell : Hidden;
        int length = Lengths[sequence];
        var matrix = new double[units.Count, length];
        for (int u = 0; u < units.Count; u++)
        {
            if ((uint)units[u] >= (uint)Units)
                throw new ArgumentOutOfRangeException(nameof(units), units[u], $"Units are 0..{Units - 1}.");
            for (int t = 0; t < length; t++) matrix[u, t] = source[Offset(sequence, t) + units[u]];
        }
        return matrix;
    }

    private int Offset(int sequence, int step) => (sequence * Steps + step) * Units;
}
