using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Models.Zoo;

/// <summary>
/// Keras' IMDB sentiment example (imdb_bidirectional_lstm): word indices [N, T] (int64) → Embedding(vocabulary, 128)
/// → bidirectional LSTM (64 units each way; the forward last state and the backward first-step state, 128 features)
/// → Dropout(0.5) → Dense(1) → sigmoid: the probability that the review is positive, [N, 1].
/// </summary>
/// <remarks>Layers are named embedding, bilstm (with its nn.LSTM as bilstm.lstm), dropout, dense and sigmoid, all
/// invoked with call(); cut at <see cref="FeatureLayer"/> for the 128 features per review. Index 0 (padding) is an
/// ordinary trainable row, as in the example, which does not mask padding.</remarks>
public sealed class ImdbBiLstm : nn.Module<Tensor, Tensor>
{
    private readonly Embedding embedding;
    private readonly BidirectionalLstm bilstm;
    private readonly Dropout dropout;
    private readonly Linear dense;
    private readonly Sigmoid sigmoid;

    /// <summary>The layer whose output is the per-review feature vector ("bilstm").</summary>
    public const string FeatureLayer = "bilstm";

    /// <summary>Builds a randomly initialised network (seed it with torch.manual_seed first).</summary>
    /// <param name="vocabulary">Rows of the embedding: every index is below it (Keras' max_features).</param>
    /// <param name="embeddingSize">Dimensions of each word vector.</param>
    /// <param name="units">LSTM units per direction.</param>
    /// <param name="dropoutRate">Share of features zeroed while training.</param>
    public ImdbBiLstm(int vocabulary = 20_000, int embeddingSize = 128, int units = 64, double dropoutRate = 0.5) : base("imdb-bilstm")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabulary, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingSize, 1);
        embedding = nn.Embedding(vocabulary, embeddingSize);
        bilstm = new BidirectionalLstm(embeddingSize, units);
        dropout = nn.Dropout(dropoutRate);
        dense = nn.Linear(2 * units, 1);
        sigmoid = nn.Sigmoid();
        RegisterComponents();
    }

    /// <summary>The bidirectional LSTM layer.</summary>
    public BidirectionalLstm BiLstm => bilstm;

    /// <summary>Probabilities [N, 1] of the positive class for word indices [N, T].</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return sigmoid.call(dense.call(dropout.call(bilstm.call(embedding.call(input)))));
    }
}
