using System.Globalization;
using LayerScope.Evaluation;
using LayerScope.Rendering.Html;

namespace LayerScope.Workflows.Sections;

/// <summary>A classification report in a report: precision, recall, F1 and support per class and for the macro and
/// weighted averages, under an optional heading and an optional sentence before the table.</summary>
/// <param name="Report">The scores.</param>
public sealed record ClassificationSection(ClassificationReport Report)
{
    /// <summary>A heading above the table; none when null.</summary>
    public string? Heading { get; init; }

    /// <summary>A paragraph between the heading and the table; none when null.</summary>
    public string? Summary { get; init; }

    /// <summary>The table's column names.</summary>
    public static IReadOnlyList<string> Header { get; } = ["class", "precision", "recall", "F1", "support"];

    /// <summary>One row per class, then the averages, with four decimals.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows() =>
        Report.AllRows.Select(c => (IReadOnlyList<string>)[c.Class, Format(c.Precision), Format(c.Recall), Format(c.F1),
            c.Support.ToString(CultureInfo.InvariantCulture)]).ToList();

    /// <summary>Adds the heading, the summary and the table to <paramref name="report"/>.</summary>
    public void AddTo(ReportBuilder report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (Heading is not null) report.AddHeading(Heading);
        if (Summary is not null) report.AddParagraph(Summary);
        report.AddTable(Header, Rows());
    }

    private static string Format(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
