using System.Globalization;
using LayerScope.Evaluation;
using LayerScope.Rendering.Html;

namespace LayerScope.Workflows.Sections;

/// <summary>The examples a classifier got wrong most confidently (<see cref="ConfidentMistakes"/>), as a table with
/// each example's text, so a reader sees what fooled the model.</summary>
/// <param name="Mistakes">The mistakes, most confident first.</param>
/// <param name="Texts">The text of every evaluated example, indexed like <see cref="Mistake.Index"/>.</param>
/// <param name="ClassNames">Names of classes 0 and 1.</param>
public sealed record MistakesSection(IReadOnlyList<Mistake> Mistakes, IReadOnlyList<string> Texts, IReadOnlyList<string> ClassNames)
{
    /// <summary>A heading above the table; none when null.</summary>
    public string? Heading { get; init; }

    /// <summary>A paragraph between the heading and the table; none when null.</summary>
    public string? Summary { get; init; }

    /// <summary>Texts longer than this are cut (at a word boundary where one is near) and end in "…"; 0 keeps them whole.</summary>
    public int MaxTextLength { get; init; } = 1200;

    /// <summary>The table's column names.</summary>
    public static IReadOnlyList<string> Header { get; } = ["example", "true", "predicted", "confidence", "text"];

    /// <summary>One row per mistake.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows() => Mistakes.Select(m => (IReadOnlyList<string>)[
        m.Index.ToString(CultureInfo.InvariantCulture), ClassNames[m.Actual], ClassNames[m.Predicted],
        m.Confidence.ToString("0.000", CultureInfo.InvariantCulture), Shortened(Texts[m.Index])]).ToList();

    /// <summary>Adds the heading, the summary and the table to <paramref name="report"/>.</summary>
    public void AddTo(ReportBuilder report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (Heading is not null) report.AddHeading(Heading);
        if (Summary is not null) report.AddParagraph(Summary);
        report.AddTable(Header, Rows());
    }

    private string Shortened(string text)
    {
        if (MaxTextLength <= 0 || text.Length <= MaxTextLength) return text;
        int cut = text.LastIndexOf(' ', MaxTextLength - 1, Math.Min(MaxTextLength, 80));
        return text[..(cut > 0 ? cut : MaxTextLength)] + " …";
    }
}
