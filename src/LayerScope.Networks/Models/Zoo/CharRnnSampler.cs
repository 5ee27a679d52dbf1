using System.Text;
using LayerScope.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Models.Zoo;

/// <summary>Generates text from a trained <see cref="CharRnn"/> by temperature sampling.</summary>
public static class CharRnnSampler
{
    /// <summary>
    /// Reads <paramref name="prime"/>, then draws <paramref name="length"/> characters one at a time from
    /// softmax(logits / <paramref name="temperature"/>): below 1 the text is safer and more repetitive, above 1 more
    /// varied and more wrong. Equal seeds give equal text. Returns only the generated characters.
    /// </summary>
    public static string Sample(CharRnn model, CharVocabulary vocabulary, string prime, int length, double temperature, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(prime);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "the temperature must be positive.");
        if (prime.Length == 0) prime = "\n";

        bool wasTraining = model.training;
        model.eval();
        using var generator = new torch.Generator((ulong)seed);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var input = torch.nn.functional.one_hot(torch.tensor(vocabulary.Encode(prime).Select(i => (long)i).ToArray()), model.VocabularySize)
            .to(ScalarType.Float32).unsqueeze(0);
        var (logits, state) = model.Run(input, null);
        var text = new StringBuilder(length);
        var last = logits[0, -1];
        for (int i = 0; i < length; i++)
        {
            var probabilities = torch.softmax(last / temperature, 0);
            long next = torch.multinomial(probabilities, 1, generator: generator).item<long>();
            text.Append(vocabulary.CharAt((int)next));
            var oneHot = torch.nn.functional.one_hot(torch.tensor(new[] { next }), model.VocabularySize).to(ScalarType.Float32).unsqueeze(0);
            (logits, state) = model.Run(oneHot, state);
            last = logits[0, -1];
        }
        model.train(wasTraining);
        return text.ToString();
    }
}
