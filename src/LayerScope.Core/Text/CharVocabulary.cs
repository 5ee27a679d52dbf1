namespace LayerScope.Text;

/// <summary>
/// The characters a character-level model reads and writes, each with an index. Built from a text: its most frequent
/// characters, in ordinal order; every other character maps to one extra "unknown" index shown as U+FFFD.
/// </summary>
public sealed class CharVocabulary
{
    /// <summary>Shown for the unknown index.</summary>
    public const char UnknownCharacter = '\uFFFD';

    private readonly Dictionary<char, int> _index;

    private CharVocabulary(IReadOnlyList<char> characters, bool hasUnknown)
    {
        Characters = characters;
        _index = characters.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        Unknown = hasUnknown ? characters.Count : -1;
    }

    /// <summary>The known characters; index i is Characters[i].</summary>
    public IReadOnlyList<char> Characters { get; }

    /// <summary>The index of every character not in <see cref="Characters"/>, or -1 when the text had no others.</summary>
    public int Unknown { get; }

    /// <summary>Number of indices, the unknown one included: the model's input and output width.</summary>
    public int Size => Characters.Count + (Unknown >= 0 ? 1 : 0);

    /// <summary>The vocabulary of <paramref name="text"/>: at most <paramref name="maxSize"/> indices. Surrogate code
    /// units always map to unknown.</summary>
    public static CharVocabulary FromText(string text, int maxSize = 128)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, 2);
        var counts = new Dictionary<char, int>();
        bool other = false;
        foreach (char c in text)
        {
            if (char.IsSurrogate(c)) { other = true; continue; }
            counts[c] = counts.GetValueOrDefault(c) + 1;
        }
        var kept = counts.Count + (other ? 1 : 0) <= maxSize
            ? counts.Keys.ToList()
            : counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(maxSize - 1).Select(p => p.Key).ToList();
        other |= kept.Count < counts.Count;
        kept.Sort();
        return new CharVocabulary(kept, other);
    }

    /// <summary>The index of <paramref name="c"/>, or <see cref="Unknown"/>.</summary>
    /// <exception cref="ArgumentException">The character is unknown and the vocabulary has no unknown index.</exception>
    public int IndexOf(char c) =>
        _index.TryGetValue(c, out var i) ? i
        : Unknown >= 0 ? Unknown
        : throw new ArgumentException($"'{c}' (U+{(int)c:X4}) is not in the vocabulary, which has no unknown index.", nameof(c));

    /// <summary>The character at <paramref name="index"/>; <see cref="UnknownCharacter"/> for the unknown index.</summary>
    public char CharAt(int index) => index == Unknown ? UnknownCharacter : Characters[index];

    /// <summary>Every character of <paramref name="text"/> as its index.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new int[text.Length];
        for (int i = 0; i < text.Length; i++) result[i] = IndexOf(text[i]);
        return result;
    }
}
