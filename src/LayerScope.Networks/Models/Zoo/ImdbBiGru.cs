using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Models.Zoo;

/// <summary>
/// <see cref="ImdbBiLstm"/> with a GRU in place of the LSTM: word indices [N, T] (int64) → Embedding(vocabulary, 128)
/// → bidirectional GRU (64 units each way; the forward last state and the backward first-step state, 128 features)
/// → Dropout(0.5) → Dense(1) → sigmoid, [N, 1]. The GRU rules of LRP (Arras et al. 2017, as for the LSTM) explain it
/// word by word.
/// </summary>
/// <remarks>Layers are named embedding, bigru (with its nn.GRU as bigru.gru), dropout, dense and sigmoid, all invoked
/// with call(). Weights start as Keras' defaults, like the LSTM model's.</remarks>
public sealed class ImdbBiGru : nn.Module<Tensor, Tensor>
{
    private readonly Embedding embedding;
    private readonly BidirectionalGru bigru;
    private readonly Dropout dropout;
    private readonly Linear dense;
    private readonly Sigmoid sigmoid;

    /// <summary>The layer whose output is the per-review feature vector ("bigru").</summary>
    public const string FeatureLayer = "bigru";

    /// <summary>Builds a randomly initialised network (seed it with torch.manual_seed first); the parameters are
    /// <see cref="ImdbBiLstm"/>'s.</summary>
    public ImdbBiGru(int vocabulary = 20_000, int embeddingSize = 128, int units = 64, double dropoutRate = 0.5) : base("imdb-bigru")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabulary, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingSize, 1);
        embedding = nn.Embedding(vocabulary, embeddingSize);
        bigru = new BidirectionalGru(embeddingSize, units);
        dropout = nn.Dropout(dropoutRate);
        dense = nn.Linear(2 * units, 1);
        sigmoid = nn.Sigmoid();
        RegisterComponents();
        using var noGrad = torch.no_grad();
        // Keras' defaults (see ImdbBiLstm for why they matter): word vectors U(−0.05, 0.05), Glorot dense, zero bias.
        nn.init.uniform_(embedding.weight, -0.05, 0.05);
        nn.init.xavier_uniform_(dense.weight);
        dense.bias!.zero_();
        bigru.InitializeLikeKeras();
    }

    /// <summary>Probabilities [N, 1] of the positive class for word indices [N, T].</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return sigmoid.call(dense.call(dropout.call(bigru.call(embedding.call(input)))));
    }
}
