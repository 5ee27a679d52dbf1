using LayerScope.Rendering;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Storage;
using LayerScope.Training;

namespace LayerScope.Workflows.Sections;

/// <summary>Loss and accuracy per epoch, on the training and the held-out set, as two line plots: written as
/// <c>loss.png</c> and <c>accuracy.png</c> and added to a report.</summary>
/// <param name="Epochs">The training history.</param>
/// <param name="LossName">What the loss is, for the y axis ("binary cross-entropy").</param>
public sealed record TrainingCurvesSection(IReadOnlyList<EpochReport> Epochs, string LossName)
{
    /// <summary>What the curves belong to ("mlp-4-2-1"), in titles and captions; null for "Training curves".</summary>
    public string? Subject { get; init; }

    /// <summary>The held-out set's name in the legend ("test", "validation").</summary>
    public string HeldOutName { get; init; } = "test";

    /// <summary>A heading above the two figures; none when null.</summary>
    public string? Heading { get; init; }

    /// <summary>The folder, inside the output, of the two PNG files; the output's root when null.</summary>
    public string? Folder { get; init; }

    /// <summary>The size of each figure.</summary>
    public FigureSize Size { get; init; } = new(640, 520);

    /// <summary>The two figures as data, for callers that draw them elsewhere.</summary>
    public (LinePlotData Loss, LinePlotData Accuracy) Plots()
    {
        var x = Epochs.Select(e => (double)e.Epoch).ToArray();
        string title = Subject ?? "Training curves";
        var loss = new LinePlotData($"{title}: loss", "epoch", LossName,
            [new LineSeries("train", x, Epochs.Select(e => e.TrainLoss).ToArray()), new LineSeries(HeldOutName, x, Epochs.Select(e => e.TestLoss).ToArray())]);
        var accuracy = new LinePlotData($"{title}: accuracy", "epoch", "accuracy",
            [new LineSeries("train", x, Epochs.Select(e => e.TrainAccuracy).ToArray()), new LineSeries(HeldOutName, x, Epochs.Select(e => e.TestAccuracy).ToArray())]);
        return (loss, accuracy);
    }

    /// <summary>Draws both figures, writes them into <paramref name="output"/> and adds them to <paramref name="report"/>.</summary>
    public TrainingCurvesFigures AddTo(ReportBuilder report, StagedDirectory output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var (loss, accuracy) = Plots();
        var lines = new LinePlotFigure();
        var figures = new TrainingCurvesFigures(lines.RenderPng(loss, Size), lines.RenderPng(accuracy, Size));
        AtomicFile.WriteAllBytes(File(output, "loss.png"), figures.LossPng);
        AtomicFile.WriteAllBytes(File(output, "accuracy.png"), figures.AccuracyPng);
        if (Heading is not null) report.AddHeading(Heading);
        string caption = Subject is null ? "Training curves" : $"{Subject}: training curves";
        report.AddImage($"{caption} (loss)", figures.LossPng);
        report.AddImage($"{caption} (accuracy)", figures.AccuracyPng);
        return figures;
    }

    private string File(StagedDirectory output, string name) => Folder is null ? output.File(name) : output.File(Folder, name);
}

/// <summary>The two figures of a <see cref="TrainingCurvesSection"/>.</summary>
public sealed record TrainingCurvesFigures(byte[] LossPng, byte[] AccuracyPng);
