using System.Globalization;
using LayerScope.Models.Zoo;
using LayerScope.Rendering.Html;

namespace LayerScope.Workflows.Sections;

/// <summary>Text a character model generated, one block per sampling temperature, each after the prime it continued.</summary>
/// <param name="Prime">What sampling started from.</param>
/// <param name="Samples">One sample per temperature.</param>
public sealed record GeneratedTextSection(string Prime, IReadOnlyList<GeneratedSample> Samples)
{
    /// <summary>Adds the heading, a sentence saying how the text was made, and the samples.</summary>
    public void AddTo(ReportBuilder report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.AddHeading("Generated text");
        int length = Samples.Count == 0 ? 0 : Samples.Max(s => s.Text.Length);
        report.AddParagraph($"Sampled after the first line of the passage, {length} characters per temperature (lower is safer, higher is more varied).");
        foreach (var sample in Samples)
        {
            report.AddHeading(string.Create(CultureInfo.InvariantCulture, $"temperature {sample.Temperature:0.0#}"), 3);
            report.AddPreformatted(Prime + sample.Text);
        }
    }
}
