using static TorchSharp.torch;

namespace LayerScope.Training;

/// <summary>A classifier of variable-length sequences, trained by <see cref="SequenceTrainer"/>.</summary>
public interface ISequenceClassifier
{
    /// <summary>One logit per class, [N, classes], for zero-padded sequences <paramref name="padded"/> [N, T, features]
    /// whose true lengths are <paramref name="lengths"/> [N] (int64, on the CPU).</summary>
    Tensor Classify(Tensor padded, Tensor lengths);
}
