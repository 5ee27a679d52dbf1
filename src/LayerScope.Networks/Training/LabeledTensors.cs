using static TorchSharp.torch;

namespace LayerScope.Training;

/// <summary>Examples and their class labels as tensors: Features [N, ...] float32, Labels [N] int64.</summary>
public sealed record LabeledTensors(Tensor Features, Tensor Labels)
{
    /// <summary>Number of examples.</summary>
    public long Count => Features.shape[0];

    /// <summary>Builds the tensors from row-major features and integer labels.</summary>
    public static LabeledTensors FromArrays(float[] features, long[] exampleShape, int[] labels)
    {
        var shape = new long[] { labels.Length }.Concat(exampleShape).ToArray();
        return new LabeledTensors(tensor(features, shape), tensor(labels.Select(l => (long)l).ToArray()));
    }
}
