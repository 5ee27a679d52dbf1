using LayerScope.Rendering;
using LayerScope.Reduction.Quality;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;

namespace LayerScope.Workflows.Sections;

/// <summary>An embedding scatter that carries its own quality figures.</summary>
/// <param name="Png">The figure; its title's second line is <see cref="QualityLine"/>.</param>
/// <param name="Quality">Trustworthiness, neighbour recall and (with labels) k-NN label accuracy, as
/// <see cref="EmbeddingQuality.Evaluate"/> computed them.</param>
/// <param name="QualityLine">The quality figures as drawn under the title ("trustworthiness 0.953 · 10-NN label
/// accuracy 0.912").</param>
/// <param name="Caption">The report caption: the options' caption followed by the quality figures.</param>
/// <param name="Data">The plotted points, for a caller that draws them again (another size, a viewer).</param>
public sealed record EmbeddingScatterSectionResult(byte[] Png, QualityReport Quality, string QualityLine, string Caption, ScatterPlotData Data)
{
    /// <summary>Adds the figure with its caption to <paramref name="report"/>; returns the report.</summary>
    public ReportBuilder AddTo(ReportBuilder report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.AddImage(Caption, Png);
    }
}
