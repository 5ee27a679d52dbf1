using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Models.Zoo;

/// <summary>
/// <see cref="ImdbBiLstm"/> with a GRU in place of the LSTM: word indices [N, T] (int64) → Embedding(vocabulary, 128)
/// → bidirectional GRU (64 units each way; the forward last state and the backward first-step state, 128 features)
/// → Dropout(0.5) → Dense(1) → sigmoid, [N, 1]. The GRU rules of LRP (Arras et al. 2017, as for the LSTM) explain it
/// word by word.
/// </summary>
/// <remarks>A <c>Sequential</c> of layers named embedding, bigru (with its nn.GRU as bigru.gru), dropout, dense and
/// sigmoid, each invoked with call(). Weights start as Keras' defaults, like the LSTM model's.</remarks>
public static class ImdbBiGru
{
    /// <summary>The layer whose output is the per-review feature vector ("bigru").</summary>
    public const string FeatureLayer = "bigru";

    /// <summary>A randomly initialised network (seed it with torch.manual_seed first); the parameters are
    /// <see cref="ImdbBiLstm"/>'s.</summary>
    public static nn.Module<Tensor, Tensor> Create(int vocabulary = 20_000, int embeddingSize = 128, int units = 64, double dropoutRate = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabulary, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingSize, 1);
        var embedding = nn.Embedding(vocabulary, embeddingSize);
        var gru = new BidirectionalGru(embeddingSize, units);
        var dense = nn.Linear(2 * units, 1);
        using (no_grad())
        {
            // Keras' defaults (ImdbBiLstm says why they matter): word vectors U(−0.05, 0.05), Glorot dense, zero bias.
            nn.init.uniform_(embedding.weight, -0.05, 0.05);
            nn.init.xavier_uniform_(dense.weight);
            dense.bias!.zero_();
            gru.InitializeLikeKeras();
        }
        return nn.Sequential(("embedding", embedding), (FeatureLayer, gru), ("dropout", nn.Dropout(dropoutRate)), ("dense", dense), ("sigmoid", nn.Sigmoid()));
    }
}
