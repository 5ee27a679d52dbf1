using System.Text;

namespace LayerScope.Text;

/// <summary>
/// Splits a review into words the way Keras' IMDB example prepared its data: lower-cased, HTML line breaks
/// (<c>&lt;br /&gt;</c>, any case and spacing of <c>&lt;br/&gt;</c>) removed, and words made of letters, digits and
/// apostrophes (the typographic ’ counts as ') with the apostrophes at either end of a word dropped, so quoting
/// ('great') does not make a new word while "don't" stays one. Everything else separates words.
/// </summary>
public static class ReviewTokenizer
{
    /// <summary>The words of <paramref name="text"/>, in order.</summary>
    public static List<string> Tokenize(string text)
    {
        var words = new List<string>();
        ForEachWord(text, word => words.Add(word.ToString()));
        return words;
    }

    /// <summary><paramref name="text"/> for reading: every HTML line break the tokenizer skips (<c>&lt;br /&gt;</c> and
    /// its variants) becomes a line break, everything else stays as written.</summary>
    public static string ForDisplay(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains('<', StringComparison.Ordinal)) return text;
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '<' && LineBreakLength(text, i) is > 0 and var skip)
            {
                result.Append('\n');
                i += skip - 1;
            }
            else
            {
                result.Append(text[i]);
            }
        }
        return result.ToString();
    }

    /// <summary>Calls <paramref name="onWord"/> with each word of <paramref name="text"/> (lower-case, valid only
    /// during the call), without allocating a string per word.</summary>
    public static void ForEachWord(string text, WordAction onWord)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(onWord);
        Span<char> word = stackalloc char[256];
        var heap = (char[]?)null;
        var length = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (c == '<' && LineBreakLength(text, i) is > 0 and var skip)
            {
                i += skip - 1;
                c = ' ';
            }
            if (c == '\u2019') c = '\'';
            if (char.IsLetterOrDigit(c) || c == '\'')
            {
                if (length == word.Length)
                {
                    heap = new char[word.Length * 2];
                    word.CopyTo(heap);
                    word = heap;
                }
                word[length++] = char.ToLowerInvariant(c);
                continue;
            }
            Emit(word[..length], onWord);
            length = 0;
        }
    }

    /// <summary>Receives one word.</summary>
    public delegate void WordAction(ReadOnlySpan<char> word);

    private static void Emit(ReadOnlySpan<char> word, WordAction onWord)
    {
        var trimmed = word.Trim('\'');
        if (!trimmed.IsEmpty) onWord(trimmed);
    }

    /// <summary>The length of a &lt;br&gt;, &lt;br/&gt; or &lt;br /&gt; tag starting at <paramref name="start"/>, or 0.</summary>
    private static int LineBreakLength(string text, int start)
    {
        var i = start + 1;
        if (i + 1 >= text.Length || char.ToLowerInvariant(text[i]) != 'b' || char.ToLowerInvariant(text[i + 1]) != 'r') return 0;
        i += 2;
        while (i < text.Length && text[i] == ' ') i++;
        if (i < text.Length && text[i] == '/') i++;
        return i < text.Length && text[i] == '>' ? i + 1 - start : 0;
    }
}
