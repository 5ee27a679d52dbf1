using LayerScope.Capture;
using static TorchSharp.torch;

namespace LayerScope.Models;

/// <summary>A classifier of variable-length sequences, trained by <c>Training.SequenceTrainer</c>.</summary>
public interface ISequenceClassifier
{
    /// <summary>One logit per class, [N, classes], for zero-padded sequences <paramref name="padded"/> [N, T, features]
    /// whose true lengths are <paramref name="lengths"/> [N] (int64, on the CPU).</summary>
    Tensor Classify(Tensor padded, Tensor lengths);

    /// <summary>The recurrent layers (names from <c>named_modules()</c>) that <see cref="Classify"/> runs on a packed
    /// batch. Forward hooks never see them: TorchSharp fires hooks only for <c>call()</c> on a tensor, not on a
    /// <c>PackedSequence</c>, so their states come from <see cref="PackedRecurrentStates"/> instead.</summary>
    IReadOnlyList<string> PackedRecurrentLayers => [];

    /// <summary>The states h_t and c_t of every layer of <see cref="PackedRecurrentLayers"/> at every time step of the
    /// zero-padded sequences <paramref name="padded"/> [N, T, features] of <paramref name="lengths"/> [N] (int64),
    /// keyed by layer name, NaN beyond each length: what <see cref="Classify"/> computes on the same batch.</summary>
    IReadOnlyDictionary<string, LstmStates> PackedRecurrentStates(Tensor padded, Tensor lengths) => new Dictionary<string, LstmStates>();
}
