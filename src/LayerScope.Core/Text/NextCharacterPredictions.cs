using System.Globalization;
using System.Text;

namespace LayerScope.Text;

/// <summary>One guess of a character model: a character and the probability the model gives it.</summary>
public readonly record struct CharacterGuess(char Character, double Probability);

/// <summary>A character model's most likely next characters at every step, from its logits (softmax per step).</summary>
public static class NextCharacterPredictions
{
    /// <summary>The <paramref name="k"/> most likely characters after each of <paramref name="steps"/> steps, most
    /// likely first (ties in vocabulary order). <paramref name="logits"/> is steps × vocabulary size, row-major.</summary>
    /// <exception cref="ArgumentException">The logits do not hold <paramref name="steps"/> rows of the vocabulary's size.</exception>
    public static IReadOnlyList<IReadOnlyList<CharacterGuess>> Top(float[] logits, int steps, CharVocabulary vocabulary, int k = 5)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        int size = vocabulary.Size;
        if ((long)steps * size != logits.LongLength)
            throw new ArgumentException($"{logits.LongLength} logits are not {steps} steps of {size} characters.", nameof(logits));
        var result = new List<IReadOnlyList<CharacterGuess>>(steps);
        for (int t = 0; t < steps; t++)
        {
            var row = logits.AsSpan(t * size, size);
            float max = float.NegativeInfinity;
            foreach (var v in row) max = Math.Max(max, v);
            double sum = 0;
            foreach (var v in row) sum += Math.Exp(v - max);
            int offset = t * size;
            result.Add(Enumerable.Range(0, size).OrderByDescending(c => logits[offset + c]).Take(k)
                .Select(c => new CharacterGuess(vocabulary.CharAt(c), Math.Exp(logits[offset + c] - max) / sum)).ToList());
        }
        return result;
    }

    /// <summary>The guesses of one step as a hover line: "next: a 40%  b 12%  ...", each character through
    /// <paramref name="display"/> (so a space or a newline stays visible).</summary>
    public static string HoverText(IReadOnlyList<CharacterGuess> guesses, Func<char, string> display)
    {
        ArgumentNullException.ThrowIfNull(guesses);
        ArgumentNullException.ThrowIfNull(display);
        var text = new StringBuilder("next: ");
        foreach (var guess in guesses) text.Append(CultureInfo.InvariantCulture, $"{display(guess.Character)} {guess.Probability:0%}  ");
        return text.ToString().TrimEnd();
    }
}
