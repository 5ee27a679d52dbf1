using LayerScope.Errors;

namespace LayerScope.Text;

/// <summary>
/// Makes index sequences one length, as Keras' <c>pad_sequences</c> does by default: a longer sequence keeps its last
/// <c>maxLength</c> indices (truncated at the front, "pre"), a shorter one gets <see cref="WordVocabulary.Padding"/>
/// in front ("pre"), so every review ends at the last time step, where the forward LSTM reads its final state.
/// </summary>
public static class SequencePadding
{
    /// <summary>The sequences as one row-major [count, maxLength] block of int64 indices (the type an embedding takes).</summary>
    /// <exception cref="InvalidSettingsException"><paramref name="maxLength"/> is below 1.</exception>
    public static long[] PadPre(IReadOnlyList<int[]> sequences, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (maxLength < 1)
            throw new InvalidSettingsException([$"maximum length {maxLength} is invalid; it must be at least 1 time step, such as 100."]);
        var block = new long[checked((long)sequences.Count * maxLength)];
        for (var n = 0; n < sequences.Count; n++)
        {
            var sequence = sequences[n];
            var kept = Math.Min(sequence.Length, maxLength);
            var row = block.AsSpan(n * maxLength, maxLength);
            var source = sequence.AsSpan(sequence.Length - kept);
            for (var t = 0; t < kept; t++) row[maxLength - kept + t] = source[t];
        }
        return block;
    }
}
