using System.Globalization;
using LayerScope.Evaluation;
using LayerScope.Rendering.Html;

namespace LayerScope.Workflows.Sections;

/// <summary>A confusion matrix in a report: one row per true class, one column per predicted class, each cell the
/// count and its share of the row (the class's recall on the diagonal).</summary>
/// <param name="Matrix">The counts.</param>
public sealed record ConfusionMatrixSection(ConfusionMatrix Matrix)
{
    /// <summary>A heading above the table; none when null.</summary>
    public string? Heading { get; init; }

    /// <summary>"true \ predicted", then the class names.</summary>
    public IReadOnlyList<string> Header() => ["true \\ predicted", .. Matrix.Classes];

    /// <summary>One row per true class: its name, then "count (share of the row)" per predicted class.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows() => Matrix.Classes.Select((name, actual) =>
    {
        int support = Matrix.Counts[actual].Sum();
        return (IReadOnlyList<string>)[name, .. Matrix.Counts[actual].Select(count => string.Create(CultureInfo.InvariantCulture,
            $"{count:N0} ({(support == 0 ? 0 : (double)count / support):0.0%})"))];
    }).ToList();

    /// <summary>Adds the heading (when set) and the table to <paramref name="report"/>.</summary>
    public void AddTo(ReportBuilder report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (Heading is not null) report.AddHeading(Heading);
        report.AddTable(Header(), Rows());
    }
}
