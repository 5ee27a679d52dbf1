using LayerScope.Data;
using static TorchSharp.torch;

namespace LayerScope.Training;

/// <summary>Sequences padded with zeros to the longest in the batch: Inputs [N, T, features] float32, Lengths [N]
/// int64, Labels [N] int64. Dispose it to free the tensors.</summary>
public sealed record SequenceBatch(Tensor Inputs, Tensor Lengths, Tensor Labels) : IDisposable
{
    /// <summary>Number of sequences.</summary>
    public long Count => Labels.shape[0];

    /// <summary>The sequences <paramref name="indices"/> of <paramref name="data"/>, in that order, zero-padded to the
    /// longest of them.</summary>
    public static SequenceBatch Pad(LabeledSequences data, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Count == 0) throw new ArgumentException("A batch needs at least one sequence.", nameof(indices));
        int features = data.Features;
        int steps = indices.Max(data.Length);
        var values = new float[indices.Count * steps * features];
        var lengths = new long[indices.Count];
        var labels = new long[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            var sequence = data.Sequences[indices[i]];
            sequence.CopyTo(values, i * steps * features);
            lengths[i] = data.Length(indices[i]);
            labels[i] = data.Labels[indices[i]];
        }
        return new SequenceBatch(tensor(values, [indices.Count, steps, features]), tensor(lengths), tensor(labels));
    }

    /// <summary>Every sequence of <paramref name="data"/>, in order.</summary>
    public static SequenceBatch PadAll(LabeledSequences data) => Pad(data, Enumerable.Range(0, data.Count).ToArray());

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        Inputs.Dispose();
        Lengths.Dispose();
        Labels.Dispose();
    }
}
