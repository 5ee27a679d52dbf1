using System.Globalization;
using LayerScope.Errors;

namespace LayerScope.Text;

/// <summary>
/// Words ranked by how often they occur, with Keras' IMDB index conventions: 0 pads, 1 starts every review, 2 stands
/// for a word outside the vocabulary, 3 is unused, and the word of rank r (1 = most frequent) has index r + 3. Like
/// Keras' <c>num_words</c>, <see cref="WordVocabularyOptions.MaxFeatures"/> bounds the indices, so an embedding of
/// MaxFeatures rows covers them: the MaxFeatures − 4 most frequent words are kept. Ties in frequency are ranked by
/// the words' ordinal (UTF-16 code unit) order, so equal counts give the same vocabulary on every machine.
/// </summary>
public sealed class WordVocabulary
{
    /// <summary>The index that pads a sequence to its length.</summary>
    public const int Padding = 0;

    /// <summary>The index every encoded review starts with.</summary>
    public const int Start = 1;

    /// <summary>The index of a word outside the vocabulary.</summary>
    public const int OutOfVocabulary = 2;

    /// <summary>The index of the most frequent word (rank 1); index 3 is reserved, as in Keras.</summary>
    public const int FirstWord = 4;

    /// <summary>How the reserved indices are shown when decoded.</summary>
    public static IReadOnlyList<string> ReservedNames { get; } = ["<PAD>", "<START>", "<UNK>", "<UNUSED>"];

    private readonly Dictionary<string, int> _indices;
    private readonly string[] _words;

    private WordVocabulary(string[] wordsByRank, long[] counts)
    {
        _words = wordsByRank;
        Counts = counts;
        _indices = new Dictionary<string, int>(wordsByRank.Length, StringComparer.Ordinal);
        for (var r = 0; r < wordsByRank.Length; r++) _indices[wordsByRank[r]] = r + FirstWord;
    }

    /// <summary>The kept words, most frequent first (word i has index i + 4).</summary>
    public IReadOnlyList<string> Words => _words;

    /// <summary>How often each kept word occurs in the texts the vocabulary was built from.</summary>
    public IReadOnlyList<long> Counts { get; }

    /// <summary>The number of indices (reserved ones included): every index is below it.</summary>
    public int Size => _words.Length + FirstWord;

    /// <summary>Ranks the words of <paramref name="texts"/> (the training split) by frequency, see the class summary.</summary>
    /// <exception cref="InvalidSettingsException">The options are invalid.</exception>
    public static WordVocabulary Build(IEnumerable<string> texts, WordVocabularyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new WordVocabularyOptions();
        options.Validate();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var text in texts)
            ReviewTokenizer.ForEachWord(text, word =>
            {
                if (lookup.TryGetValue(word, out var count)) lookup[word] = count + 1;
                else lookup[word] = 1;
            });
        var ranked = counts.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Take(options.MaxFeatures - FirstWord).ToList();
        return new WordVocabulary([.. ranked.Select(p => p.Key)], [.. ranked.Select(p => p.Value)]);
    }

    /// <summary>The index of <paramref name="word"/> (as the tokenizer spells it), or <see cref="OutOfVocabulary"/>.</summary>
    public int IndexOf(string word) => _indices.TryGetValue(word, out var index) ? index : OutOfVocabulary;

    /// <summary>The review as indices: <see cref="Start"/>, then one index per word.</summary>
    public int[] Encode(string text)
    {
        var indices = new List<int> { Start };
        var lookup = _indices.GetAlternateLookup<ReadOnlySpan<char>>();
        ReviewTokenizer.ForEachWord(text, word => indices.Add(lookup.TryGetValue(word, out var index) ? index : OutOfVocabulary));
        return [.. indices];
    }

    /// <summary>The word an index stands for; reserved indices as <see cref="ReservedNames"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is negative or not below <see cref="Size"/>.</exception>
    public string WordAt(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Size);
        return index < FirstWord ? ReservedNames[(int)index] : _words[index - FirstWord];
    }

    /// <summary>The indices as words separated by spaces, for display; padding is left out unless
    /// <paramref name="showPadding"/>.</summary>
    public string Decode(ReadOnlySpan<long> indices, bool showPadding = false)
    {
        var words = new List<string>(indices.Length);
        foreach (var index in indices)
            if (index != Padding || showPadding) words.Add(WordAt(index));
        return string.Join(' ', words);
    }

    /// <inheritdoc cref="Decode(ReadOnlySpan{long}, bool)"/>
    public string Decode(ReadOnlySpan<int> indices, bool showPadding = false)
    {
        var wide = new long[indices.Length];
        for (var i = 0; i < wide.Length; i++) wide[i] = indices[i];
        return Decode(wide, showPadding);
    }

    /// <summary>"20,000 indices: 19,996 words (the most frequent 'the', 336,148 times)".</summary>
    public override string ToString() => _words.Length == 0
        ? $"{Size} indices, no words"
        : string.Create(CultureInfo.InvariantCulture, $"{Size:N0} indices: {_words.Length:N0} words (the most frequent '{_words[0]}', {Counts[0]:N0} times)");
}

/// <summary>How <see cref="WordVocabulary.Build"/> chooses the words.</summary>
public sealed record WordVocabularyOptions
{
    /// <summary>The number of indices, reserved ones (0–3) included, as Keras' <c>num_words</c> and the embedding's
    /// row count: the MaxFeatures − 4 most frequent words are kept.</summary>
    public int MaxFeatures { get; init; } = 20_000;

    /// <summary>Throws <see cref="InvalidSettingsException"/> naming the invalid setting.</summary>
    public void Validate()
    {
        if (MaxFeatures <= WordVocabulary.FirstWord)
            throw new InvalidSettingsException([$"WordVocabularyOptions.MaxFeatures {MaxFeatures} is invalid; it must be above {WordVocabulary.FirstWord} (the reserved indices 0 to 3 plus at least one word), such as 20000."]);
    }
}
