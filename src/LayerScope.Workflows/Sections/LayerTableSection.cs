using System.Globalization;
using LayerScope.Models;
using LayerScope.Rendering.Html;

namespace LayerScope.Workflows.Sections;

/// <summary>The layer table of a model in a report (Keras' <c>summary()</c> with <c>get_config()</c>): name, type,
/// output shape, parameters and settings per layer, under an optional heading.</summary>
/// <param name="Layers">The model's layers.</param>
public sealed record LayerTableSection(LayerTable Layers)
{
    /// <summary>A heading above the table; none when null.</summary>
    public string? Heading { get; init; }

    /// <summary>The table's column names.</summary>
    public static IReadOnlyList<string> Header { get; } = ["layer", "type", "output shape", "parameters", "settings"];

    /// <summary>One row per layer, as the report shows it.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows() =>
        Layers.Layers.Select(l => (IReadOnlyList<string>)[l.Name, l.Type, l.OutputShapeText, l.ParameterCount.ToString(CultureInfo.InvariantCulture), l.ConfigText]).ToList();

    /// <summary>Adds the heading (when set) and the table to <paramref name="report"/>.</summary>
    public void AddTo(ReportBuilder report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (Heading is not null) report.AddHeading(Heading);
        report.AddTable(Header, Rows());
    }
}
