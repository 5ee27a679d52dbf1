using static TorchSharp.torch;

namespace LayerScope.Models;

/// <summary>A classifier of variable-length sequences, trained by <c>Training.SequenceTrainer</c>.</summary>
public interface ISequenceClassifier
{
    /// <summary>One logit per class, [N, classes], for zero-padded sequences <paramref name="padded"/> [N, T, features]
    /// whose true lengths are <paramref name="lengths"/> [N] (int64, on the CPU).</summary>
    Tensor Classify(Tensor padded, Tensor lengths);
}
