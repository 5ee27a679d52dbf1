using System.Globalization;
using LayerScope.Dynamics;
using LayerScope.Rendering;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Storage;
using LayerScope.Training;

namespace LayerScope.Workflows.Sections;

/// <summary>
/// A network's training dynamics in a report: loss and accuracy curves (train and held-out, optional), the gradient
/// norm and update-to-weight ratio of every layer per epoch, TensorBoard's two views of every layer's weights, weight
/// gradients and activations (distributions: percentile bands over epochs; histograms: one ridge per epoch), and a table
/// flagging dead ReLU units and vanishing or exploding gradients. PNGs go to <c>{Folder}/dynamics/</c>.
/// </summary>
/// <param name="Dynamics">What the recorder saw.</param>
public sealed record TrainingDynamicsSection(TrainingDynamics Dynamics)
{
    /// <summary>The folder, inside the output, the <c>dynamics</c> figures go to; the output's root when null.</summary>
    public string? Folder { get; init; }

    /// <summary>Draw the loss and accuracy curves too (leave off where a <see cref="TrainingCurvesSection"/> has them).</summary>
    public bool Curves { get; init; } = true;

    /// <summary>The held-out set's name in legends.</summary>
    public string HeldOutName { get; init; } = "test";

    /// <summary>Each figure's size.</summary>
    public FigureSize Size { get; init; } = new(560, 380);

    /// <summary>Where the table draws its lines.</summary>
    public DynamicsDiagnosisOptions Diagnosis { get; init; } = new();

    /// <summary>Which histograms get figures: parameter layers' weights and gradients, activation functions' outputs
    /// (a Linear layer's own output is the next activation's input, so it is not drawn twice) and recurrent layers'
    /// outputs: h_t has passed the LSTM's or GRU's own tanh and no activation layer follows to show it.</summary>
    public static bool Drawn(LayerDynamics layer, HistogramKind kind) => kind switch
    {
        HistogramKind.Weights or HistogramKind.WeightGradients => true,
        HistogramKind.Activations => layer.Series(HistogramKind.Weights) is null || RecurrentModuleTypes.Contains(layer.ModuleType),
        _ => false,
    };

    /// <summary>TorchSharp's recurrent layers, whose outputs are drawn beside their weights.</summary>
    private static readonly HashSet<string> RecurrentModuleTypes = new(StringComparer.Ordinal) { "LSTM", "GRU", "RNN" };

    /// <summary>The distribution bands of one series.</summary>
    public static DistributionBands Bands(string title, string valueName, HistogramSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var levels = DistributionBands.TensorBoardLevels.ToArray();
        return new DistributionBands(title, "epoch", valueName, [.. series.Epochs.Select(e => (double)e)], levels, series.Quantiles(levels));
    }

    /// <summary>The ridges of one series.</summary>
    public static HistogramRidges Ridges(string title, string valueName, HistogramSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return new HistogramRidges(title, valueName, [.. series.Histograms.Select((h, i) => new HistogramRidge(
            series.Epochs[i].ToString(CultureInfo.InvariantCulture),
            [.. Enumerable.Range(0, h.Counts.Count + 1).Select(h.Edge)],
            [.. h.Counts.Select(c => (double)c)]))]);
    }

    /// <summary>Draws every figure into <paramref name="output"/>, adds them and the health table to <paramref name="report"/>.</summary>
    public IReadOnlyList<LayerHealth> AddTo(ReportBuilder report, StagedDirectory output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        string network = Dynamics.Network;
        report.AddHeading($"{network}: training dynamics", 3);
        if (Curves && Dynamics.Checkpoints.Count > 0)
        {
            var epochs = Dynamics.Checkpoints.Select(c => new EpochReport(c.Epoch, c.TrainLoss, c.TrainAccuracy ?? double.NaN,
                c.HeldOutLoss ?? double.NaN, c.HeldOutAccuracy ?? double.NaN)).ToList();
            new TrainingCurvesSection(epochs, Dynamics.LossName) { Subject = network, HeldOutName = HeldOutName, Folder = Combine("dynamics"), Size = Size }
                .AddTo(report, output);
        }

        var lines = new LinePlotFigure();
        var x = Dynamics.Checkpoints.Select(c => (double)c.Epoch).ToArray();
        var parameterLayers = Dynamics.Layers.Where(l => l.GradientNorms.Any(double.IsFinite)).ToList();
        if (parameterLayers.Count > 0)
        {
            var norms = new LinePlotData($"{network}: gradient norm per layer", "epoch", "log10 ‖gradient‖ (last step of the epoch)",
                [.. parameterLayers.Select(l => new LineSeries(l.Name, x, [.. l.GradientNorms.Select(Math.Log10)]))]);
            var ratios = new LinePlotData($"{network}: update-to-weight ratio", "epoch", "log10 ‖ΔW‖ / ‖W‖",
                [.. parameterLayers.Select(l => new LineSeries(l.Name, x, [.. l.UpdateRatios.Select(Math.Log10)]))]);
            Image(report, output, "gradient-norms.png", $"{network}: L2 norm of each layer's gradient at the last step of every epoch", lines.RenderPng(norms, Size));
            Image(report, output, "update-ratios.png", $"{network}: each layer's update relative to its weights (about 10⁻³ is the usual healthy order)", lines.RenderPng(ratios, Size));
        }

        var bands = new DistributionBandsFigure();
        var ridges = new HistogramRidgesFigure();
        foreach (var layer in Dynamics.Layers)
        {
            foreach (var series in layer.Histograms.Where(s => Drawn(layer, s.Kind) && s.Histograms.Any(h => h.Count > 0)))
            {
                string what = ValueName(series.Kind);
                string stem = $"{RunFileName(layer.Name)}-{TensorBoardName(series.Kind)}";
                Image(report, output, $"{stem}-distributions.png", $"{network} {layer.Name}: {what} per epoch (bands: min–max, ±1.5σ, ±1σ, ±0.5σ percentiles; line: median)",
                    bands.RenderPng(Bands($"{layer.Name} {what}: distributions", what, series), Size));
                Image(report, output, $"{stem}-histograms.png", $"{network} {layer.Name}: histogram of {what} per epoch, first epoch at the back",
                    ridges.RenderPng(Ridges($"{layer.Name} {what}: histograms", what, series), Size));
            }
        }

        var health = DynamicsDiagnosis.Diagnose(Dynamics, Diagnosis);
        report.AddParagraph($"{network}: layer health after the last epoch. A ReLU unit is dead when no probe example makes it positive; "
            + $"a gradient is vanishing below {Diagnosis.VanishingFraction:0e0} of the largest layer's norm and exploding above "
            + $"{Diagnosis.ExplodingNorm:0e0}, after growing {Diagnosis.ExplodingGrowth:0e0}-fold, or with non-finite values.");
        report.AddTable(["layer", "type", "dead units", "gradient norm", "update ratio", "flag"], [.. health.Select(h => (IReadOnlyList<string>)
        [
            h.Layer, h.ModuleType,
            h.Units is { } units ? $"{h.DeadUnits.Count} of {units}" + (h.DeadUnits.Count > 0 ? $" ({string.Join(", ", h.DeadUnits)})" : "") : "",
            Number(h.GradientNorm), Number(h.UpdateRatio),
            string.Join(", ", new[] { h.DeadUnits.Count > 0 ? "dead units" : null, h.Vanishing ? "vanishing gradient" : null, h.Exploding ? "exploding gradient" : null }.OfType<string>())
                is { Length: > 0 } flags ? flags : "ok",
        ])]);
        return health;
    }

    private static string Number(double value) => double.IsNaN(value) ? "" : value.ToString("0.###e+0", CultureInfo.InvariantCulture);

    private static string ValueName(HistogramKind kind) => kind switch
    {
        HistogramKind.Weights => "weights",
        HistogramKind.Biases => "biases",
        HistogramKind.WeightGradients => "weight gradients",
        HistogramKind.BiasGradients => "bias gradients",
        _ => "activations",
    };

    private static string TensorBoardName(HistogramKind kind) => ValueName(kind).Replace(' ', '-');

    private static string RunFileName(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    private string Combine(string folder) => Folder is null ? folder : Path.Combine(Folder, folder);

    private void Image(ReportBuilder report, StagedDirectory output, string file, string caption, byte[] png)
    {
        AtomicFile.WriteAllBytes(Folder is null ? output.File("dynamics", file) : output.File(Folder, "dynamics", file), png);
        report.AddImage(caption, png);
    }
}
