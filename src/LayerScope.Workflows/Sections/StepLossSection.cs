using LayerScope.Rendering;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Storage;
using LayerScope.Training;

namespace LayerScope.Workflows.Sections;

/// <summary>The loss of every optimisation step with its moving average, written as <c>loss.png</c> and added to a
/// report: the curve of a trainer that reports steps rather than epochs.</summary>
/// <param name="Steps">The training steps.</param>
public sealed record StepLossSection(IReadOnlyList<LanguageModelStep> Steps)
{
    /// <summary>Steps averaged by the smooth curve.</summary>
    public int Window { get; init; } = 50;

    /// <summary>The figure's size.</summary>
    public FigureSize Size { get; init; } = new(900, 520);

    /// <summary>The running mean over the last <paramref name="window"/> values (fewer at the start).</summary>
    public static double[] MovingAverage(IReadOnlyList<double> values, int window)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var result = new double[values.Count];
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }

    /// <summary>Draws the curve, writes it into <paramref name="output"/> and adds it to <paramref name="report"/>.</summary>
    public byte[] AddTo(ReportBuilder report, StagedDirectory output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var x = Steps.Select(s => (double)s.Step).ToArray();
        var loss = Steps.Select(s => s.Loss).ToArray();
        var png = new LinePlotFigure().RenderPng(new LinePlotData("Training loss", "step", "cross-entropy (nats per character)",
        [
            new LineSeries("batch", x, loss),
            new LineSeries($"moving average ({Window} steps)", x, MovingAverage(loss, Window)),
        ]), Size);
        AtomicFile.WriteAllBytes(output.File("loss.png"), png);
        report.AddImage("Training loss per step", png);
        return png;
    }
}
