using System.Globalization;
using System.Text;

namespace LayerScope.Rendering.PlotData;

/// <summary>
/// Words colored by relevance, heatmapping.org's text view: the words joined by spaces, and for every trace one value
/// per character (each character of a word carries the word's relevance, the spaces 0), ready for
/// <see cref="Html.ReportBuilder.AddTextView"/>, which escapes every character and colors red for, blue against. The
/// hover text of each character names its word and the word's relevance under every trace.
/// </summary>
public sealed record WordRelevanceText(string Text, IReadOnlyList<TextTrace> Traces, IReadOnlyList<string> HoverTexts)
{
    /// <summary>Builds the text of <paramref name="words"/> with one trace per method, each one value per word.</summary>
    /// <exception cref="ArgumentException">No trace is given, or a trace does not have one value per word.</exception>
    public static WordRelevanceText From(IReadOnlyList<string> words, IReadOnlyList<(string Label, IReadOnlyList<double> PerWord)> traces)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(traces);
        if (traces.Count == 0) throw new ArgumentException("Give at least one trace.", nameof(traces));
        for (int k = 0; k < traces.Count; k++)
            if (traces[k].PerWord.Count != words.Count)
                throw new ArgumentException($"traces[{k}] ('{traces[k].Label}') has {traces[k].PerWord.Count} values for {words.Count} words; they must match.", nameof(traces));

        var text = new StringBuilder();
        var owner = new List<int>(); // the word each character belongs to, −1 for the spaces between words
        for (int w = 0; w < words.Count; w++)
        {
            if (w > 0) { text.Append(' '); owner.Add(-1); }
            text.Append(words[w]);
            for (int c = 0; c < words[w].Length; c++) owner.Add(w);
        }
        var built = traces.Select(t => new TextTrace(t.Label, owner.Select(w => w < 0 ? 0 : t.PerWord[w]).ToArray())).ToList();
        var perWord = Enumerable.Range(0, words.Count).Select(w =>
            words[w] + ": " + string.Join(", ", traces.Select(t => $"{t.Label} {t.PerWord[w].ToString("+0.###;-0.###;0", CultureInfo.InvariantCulture)}"))).ToArray();
        return new WordRelevanceText(text.ToString(), built, owner.Select(w => w < 0 ? "" : perWord[w]).ToList());
    }
}
