using static TorchSharp.torch;

namespace LayerScope.Models;

/// <summary>A classifier of variable-length sequences, trained by <c>Training.SequenceTrainer</c>.</summary>
public interface ISequenceClassifier
{
    /// <summary>One logit per class, [N, classes], for zero-padded sequences <paramref name="padded"/> [N, T, features]
    /// whose true lengths are <paramref name="lengths"/> [N] (int64, on the CPU).</summary>
    Tensor Classify(Tensor padded, Tensor lengths);

    /// <summary><see cref="Classify(Tensor, Tensor)"/>, also showing <paramref name="packedOutput"/> the output of every
    /// layer of <see cref="PackedRecurrentLayers"/>: its name and the data of its packed output sequence, h_t at every
    /// valid step of every sequence (time-major, no padding), [valid steps, directions × units], valid during the call
    /// only. The states come from the forward pass itself, so seeing them costs a copy.</summary>
    Tensor Classify(Tensor padded, Tensor lengths, Action<string, Tensor> packedOutput) => Classify(padded, lengths);

    /// <summary>The recurrent layers (names from <c>named_modules()</c>) that <see cref="Classify(Tensor, Tensor)"/> runs
    /// on a packed batch. Forward hooks never see them: TorchSharp fires hooks only for <c>call()</c> on a tensor, not
    /// on a <c>PackedSequence</c>; their outputs are shown by <see cref="Classify(Tensor, Tensor, Action{string, Tensor})"/>.</summary>
    IReadOnlyList<string> PackedRecurrentLayers => [];
}
