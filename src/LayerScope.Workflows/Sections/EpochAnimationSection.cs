using LayerScope.Rendering;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Storage;

namespace LayerScope.Workflows.Sections;

/// <summary>
/// A layer's aligned embedding after every epoch (<see cref="EpochRecorder"/> with a reducer) as an image sequence:
/// one PNG per epoch, all drawn with the same axis limits so the animation shows the points moving, not the axes.
/// </summary>
/// <param name="Epochs">The recorded epochs; each must hold an embedding of <paramref name="Layer"/>.</param>
/// <param name="Layer">The layer, by its captured name.</param>
/// <param name="Labels">One class per point (the colors).</param>
/// <param name="ClassNames">Names of the classes.</param>
public sealed record EpochAnimationSection(IReadOnlyList<EpochCapture> Epochs, string Layer, int[] Labels, IReadOnlyList<string> ClassNames)
{
    /// <summary>The reduction's name for the axes ("PCA" gives "PCA 1", "PCA 2").</summary>
    public string AxisName { get; init; } = "dimension";

    /// <summary>One title per epoch (the accuracy reached, say); "epoch E" when null.</summary>
    public IReadOnlyList<string>? Titles { get; init; }

    /// <summary>The caption of the sequence.</summary>
    public string Caption { get; init; } = "";

    /// <summary>The folder inside the output that gets <c>{Layer}-epoch-EE.png</c>.</summary>
    public string Folder { get; init; } = "epochs";

    /// <summary>Each frame's size.</summary>
    public FigureSize Size { get; init; } = new(640, 520);

    /// <summary>The frames as data, with shared limits.</summary>
    public IReadOnlyList<ScatterPlotData> Frames()
    {
        if (Titles is not null && Titles.Count != Epochs.Count)
            throw new ArgumentException($"{Titles.Count} titles for {Epochs.Count} epochs.", nameof(Titles));
        var frames = Epochs.Select((epoch, i) => EmbeddingScatter.Create(
            epoch.Embeddings.TryGetValue(Layer, out var embedding) ? embedding
                : throw new ArgumentException($"Epoch {epoch.Epoch} holds no embedding of layer '{Layer}'; give the EpochRecorder a reducer.", nameof(Epochs)),
            Labels, ClassNames, Titles?[i] ?? $"epoch {epoch.Epoch}", AxisName)).ToList();
        var limits = PlotLimits.Enclosing(frames);
        return frames.Select(f => f with { Limits = limits }).ToList();
    }

    /// <summary>Draws every frame, writes them into <paramref name="output"/> and adds the sequence to
    /// <paramref name="report"/>; returns the PNGs in epoch order.</summary>
    public IReadOnlyList<byte[]> AddTo(ReportBuilder report, StagedDirectory output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var figure = new ScatterFigure();
        var pngs = Frames().Select(frame => figure.RenderPng(frame, Size)).ToList();
        for (int i = 0; i < pngs.Count; i++)
            AtomicFile.WriteAllBytes(output.File(Folder, $"{Layer}-epoch-{Epochs[i].Epoch:00}.png"), pngs[i]);
        report.AddImageSequence(Caption, pngs.Select((png, i) => ($"epoch {Epochs[i].Epoch}", png)).ToList());
        return pngs;
    }
}
