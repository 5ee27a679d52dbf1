using LayerScope.Errors;
using LayerScope.Models.Zoo;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Models;

/// <summary>The built-in models, by name.</summary>
public static class ModelZoo
{
    /// <summary>Every built-in model.</summary>
    public static IReadOnlyList<ZooModel> All { get; } =
    [
        new("banknote-mlp", "4→2(ReLU)→1(sigmoid) MLP for banknote authentication; its 2-unit hidden layer is plotted directly.",
            [4], () => new BanknoteMlp([2])),
        new("banknote-mlp-deep", "4→3→2→1 MLP for banknote authentication; the 2-unit layer is the second hidden layer.",
            [4], () => new BanknoteMlp([3, 2])),
        new("vowels-lstm", "12→LSTM(100)→9 sequence classifier for the Japanese Vowels speakers; h_t and c_t are captured per time step.",
            [29, 12], () => new VowelsLstm()),
        new("charrnn", "2-layer character LSTM (128 cells each) over one-hot characters (98: printable ASCII, tab, newline, unknown); "
            + "the default demo trains it on LayerScope's own source and finds its string and nesting-depth cells.",
            [100, 98], () => new CharRnn(98, 128, 2)),
        new("imdb-bilstm", "Keras' IMDB sentiment example: word indices (20,000) → Embedding(128) → bidirectional LSTM(64; "
            + "forward last state + backward first-step state = 128 features, layer 'bilstm') → Dropout(0.5) → Dense(1, sigmoid).",
            [100], () => new ImdbBiLstm(), ScalarType.Int64,
            (shapes, path) => new ImdbBiLstm(Vocabulary(shapes, path), WordVectorSize(shapes, path), RecurrentUnits(shapes, path))),
        new("imdb-bigru", "imdb-bilstm with a bidirectional GRU (64 units each way, layer 'bigru') in place of the LSTM; LRP explains it by the GRU "
            + "rules (Arras et al. 2017).", [100], () => ImdbBiGru.Create(), ScalarType.Int64,
            (shapes, path) => ImdbBiGru.Create(Vocabulary(shapes, path), WordVectorSize(shapes, path), RecurrentUnits(shapes, path))),
        new("fashion-cnn", "Fashion-MNIST CNN: 28×28 grey image → conv 3×3 (32) → ReLU → max-pool → conv 3×3 (64) → ReLU → max-pool "
            + "→ dense 128 (ReLU) → dense 10 logits; the demo 'cnn' shows its channels' feature maps, top-9 images and synthesized inputs.",
            [1, 28, 28], () => new FashionCnn()),
    ];

    // The IMDB networks' sizes, read from their weights: the embedding is [vocabulary, word vector], and the dense layer
    // reads both directions' states, [1, 2 × units].
    private static int Vocabulary(IReadOnlyDictionary<string, long[]> shapes, string path) => shapes.Extent(path, "embedding.weight", 0);

    private static int WordVectorSize(IReadOnlyDictionary<string, long[]> shapes, string path) => shapes.Extent(path, "embedding.weight", 1);

    private static int RecurrentUnits(IReadOnlyDictionary<string, long[]> shapes, string path) => shapes.Extent(path, "dense.weight", 1) / 2;

    /// <summary>The model called <paramref name="name"/>; throws with the closest names when there is none.</summary>
    public static ZooModel Get(string name)
    {
        var model = All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
        if (model is not null) return model;
        var names = All.Select(m => m.Name).ToList();
        throw new LayerScopeException($"there is no built-in model '{name}'.{NameSuggestions.DidYouMean(name, names)} "
            + $"Built-in models: {string.Join(", ", names)}.");
    }

    /// <summary>The layer table of a freshly built <paramref name="model"/>.</summary>
    public static LayerTable Describe(ZooModel model)
    {
        using var scope = torch.NewDisposeScope();
        using var module = model.Create();
        return LayerTable.Describe(module, model.SampleInput());
    }
}
