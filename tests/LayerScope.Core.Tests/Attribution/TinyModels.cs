using LayerScope.Models.Zoo;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Attribution;

/// <summary>Small seeded networks for the attribution axioms (float64, so tolerances test the method, not rounding).</summary>
internal static class TinyModels
{
    public static nn.Module<Tensor, Tensor> Dense(bool bias = false, long seed = 1)
    {
        manual_seed(seed);
        return nn.Sequential(("fc1", nn.Linear(6, 8, hasBias: bias)), ("relu1", nn.ReLU()), ("fc2", nn.Linear(8, 5, hasBias: bias)),
            ("relu2", nn.ReLU()), ("fc3", nn.Linear(5, 3, hasBias: bias))).to(ScalarType.Float64);
    }

    /// <summary>[N, 1, 8, 8] → conv → ReLU → max pool → conv → ReLU → flatten → dense (3 classes).</summary>
    public static nn.Module<Tensor, Tensor> Conv(bool bias = false, long seed = 2)
    {
        manual_seed(seed);
        return nn.Sequential(("conv1", nn.Conv2d(1, 4, 3, padding: 1, bias: bias)), ("relu1", nn.ReLU()), ("pool", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(4, 4, 3, bias: bias)), ("relu2", nn.ReLU()), ("flatten", nn.Flatten()), ("fc", nn.Linear(16, 3, hasBias: bias))).to(ScalarType.Float64);
    }

    /// <summary>[N, 1, 9, 9] → conv (3 channels) → ReLU → max pool 3×3 stride 2 (overlapping windows: one pixel can win
    /// two) → conv (2) → ReLU → max pool 2 → flatten → dense (3 classes), with biases.</summary>
    public static nn.Module<Tensor, Tensor> OverlappingPools(long seed = 6)
    {
        manual_seed(seed);
        return nn.Sequential(("conv1", nn.Conv2d(1, 3, 3, padding: 1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(3, stride: 2)),
            ("conv2", nn.Conv2d(3, 2, 3, padding: 1)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)), ("flatten", nn.Flatten()),
            ("fc", nn.Linear(8, 3))).to(ScalarType.Float64);
    }

    /// <summary>Strided convolutions whose transposes need an output padding (10 → 5 → 3 pixels), for the direct
    /// transposed-convolution path of LRP.</summary>
    public static nn.Module<Tensor, Tensor> StridedConv(bool bias = false, long seed = 4)
    {
        manual_seed(seed);
        return nn.Sequential(("conv1", nn.Conv2d(1, 3, 3, stride: 2, padding: 1, bias: bias)), ("relu1", nn.ReLU()),
            ("conv2", nn.Conv2d(3, 4, 3, stride: 2, padding: 1, bias: bias)), ("relu2", nn.ReLU()), ("flatten", nn.Flatten()),
            ("fc", nn.Linear(36, 3, hasBias: bias))).to(ScalarType.Float64);
    }

    /// <summary>The IMDB architecture in miniature (vocabulary 20, embedding 5, 4 units each way), biases zeroed.</summary>
    public static ImdbBiLstm Lstm(long seed = 3)
    {
        manual_seed(seed);
        var model = new ImdbBiLstm(vocabulary: 20, embeddingSize: 5, units: 4);
        using (no_grad())
            foreach (var (name, p) in model.named_parameters())
                if (name.Contains("bias", StringComparison.Ordinal)) p.zero_();
        model.to(ScalarType.Float64);
        return model;
    }

    /// <summary>Embedding (vocabulary 20, 5 dimensions) → bidirectional GRU (4 units each way) → dense (2 classes),
    /// biases zeroed.</summary>
    public static nn.Module<Tensor, Tensor> Gru(long seed = 9)
    {
        manual_seed(seed);
        var model = nn.Sequential(("embedding", nn.Embedding(20, 5)), ("bigru", new BidirectionalGru(5, 4)), ("dense", nn.Linear(8, 2)));
        using (no_grad())
            foreach (var (name, p) in model.named_parameters())
                if (name.Contains("bias", StringComparison.Ordinal)) p.zero_();
        model.to(ScalarType.Float64);
        return model;
    }

    public static Tensor Inputs(long[] shape, long seed = 7)
    {
        using var generator = new Generator((ulong)seed);
        return rand(shape, dtype: ScalarType.Float64, generator: generator);
    }

    public static Tensor Tokens(long n, long t, long seed = 8)
    {
        using var generator = new Generator((ulong)seed);
        return randint(1, 20, [n, t], generator: generator);
    }
}
