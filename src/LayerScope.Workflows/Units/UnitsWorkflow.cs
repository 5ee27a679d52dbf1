using System.Globalization;
using LayerScope.Arrays;
using LayerScope.Data.Images;
using LayerScope.Errors;
using LayerScope.Onnx;
using LayerScope.Onnx.Torch;
using LayerScope.Progress;
using LayerScope.Runs;
using LayerScope.Rendering.Html;
using LayerScope.Storage;
using LayerScope.Storage.Npy;
using LayerScope.Units;
using LayerScope.Workflows.Sections;

namespace LayerScope.Workflows.Units;

/// <summary>Settings of <see cref="UnitsWorkflow"/>.</summary>
public sealed record UnitsOptions
{
    /// <summary>The ONNX model file.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The layer: a tensor, node or module scope whose tensor is [N, C, H, W] or [N, C, L].</summary>
    public required string Layer { get; init; }

    /// <summary>An .npy file of float inputs [N, C, H, W] or [N, C, L].</summary>
    public required string InputPath { get; init; }

    /// <summary>The output folder, written all at once.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Examples kept per channel.</summary>
    public int TopK { get; init; } = 9;

    /// <summary>Examples whose feature maps are drawn (those beyond the input's rows are left out).</summary>
    public IReadOnlyList<int> FeatureMapExamples { get; init; } = [0, 1, 2];

    /// <summary>Gradient-ascent steps per synthesized input; 0 skips synthesis.</summary>
    public int SynthesisSteps { get; init; } = 128;

    /// <summary>Seeds the synthesis.</summary>
    public int Seed { get; init; } = 1;

    public IReadOnlyList<string> Validate()
    {
        const string name = nameof(UnitsOptions);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Layer)) problems.Add($"{name}.{nameof(Layer)} is empty.");
        if (TopK < 1) problems.Add($"{name}.{nameof(TopK)} is {TopK}; it must be at least 1.");
        if (SynthesisSteps < 0) problems.Add($"{name}.{nameof(SynthesisSteps)} is {SynthesisSteps}; it must be 0 (none) or more.");
        if (FeatureMapExamples.Any(e => e < 0)) problems.Add($"{name}.{nameof(FeatureMapExamples)} holds a negative index.");
        return problems;
    }
}

/// <summary>What <see cref="UnitsWorkflow.Run"/> wrote and measured.</summary>
/// <param name="OutputDirectory">The folder.</param>
/// <param name="Channels">Channels of the layer.</param>
/// <param name="Field">The receptive field, or why it is unknown.</param>
/// <param name="ScanExamplesPerSecond">Examples per second of the ONNX Runtime scan.</param>
/// <param name="SynthesisProblem">Null when inputs were synthesized; else why not (the rest is written all the same).</param>
/// <param name="SynthesisReached">The share of channels whose synthesis reaches 10× the channel's mean; NaN without synthesis.</param>
public sealed record UnitsResult(string OutputDirectory, int Channels, OnnxFieldResult Field, double ScanExamplesPerSecond, string? SynthesisProblem, double SynthesisReached);

/// <summary>
/// <c>layerscope units</c>: the Deep Visualization Toolbox's views for one layer of any ONNX model. Feature maps and
/// the top-k examples per channel come from ONNX Runtime (<see cref="OnnxUnitScan"/>), receptive fields from the
/// graph's Conv/Pool geometry (<see cref="OnnxReceptiveField"/>), synthesized inputs from the ONNX → TorchSharp
/// executor (<see cref="OnnxTorchModel"/>) when it covers the graph; otherwise the report says why and the rest is
/// written. Output: report.html, units.json (per channel: mean, top-k hits with positions, synthesis objective before
/// and after) and the figures.
/// </summary>
public static class UnitsWorkflow
{
    public const string ManifestFile = "units.json";

    public static UnitsResult Run(UnitsOptions options, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        InvalidSettingsException.ThrowIfAny(options.Validate());
        var model = OnnxModel.Open(options.ModelPath);
        var reference = model.Layers.Resolve(options.Layer);
        var inputs = NpyReader.ReadFloat32(options.InputPath, "inputs");
        if (inputs.Shape.Length is not (3 or 4))
            throw new DataFormatException(options.InputPath, "shape", "images [N, C, H, W] or signals [N, C, L]", inputs.ShapeText);
        var examples = options.FeatureMapExamples.Where(e => e < inputs.Count).ToList();
        var scan = OnnxUnitScan.Run(model, inputs, new OnnxUnitScanOptions { Layer = options.Layer, TopK = options.TopK, FeatureMapExamples = examples },
            progress, cancellationToken);
        var top = scan.Layers[options.Layer];
        var maps = scan.FeatureMaps[options.Layer];
        int spatial = maps.Shape.Length - 2;
        var field = OnnxReceptiveField.Of(model, reference.TensorName, spatial);
        var display = Display(inputs);
        string stem = OnnxActivationCapture.UniqueKeys([options.Layer])[0];

        using var output = StagedDirectory.Create(options.OutputDirectory, ManifestFile);
        var report = new ReportBuilder($"Units of '{options.Layer}' in {model.FileName}");
        report.AddParagraph(string.Create(CultureInfo.InvariantCulture,
            $"Model {model.FileName}, layer '{options.Layer}' (tensor '{reference.TensorName}', {top.Channels} channels, maps [{string.Join(", ", maps.Shape[2..])}]); "
            + $"{inputs.Count:N0} inputs {inputs.ShapeText} from {Path.GetFileName(options.InputPath)}, scanned by ONNX Runtime at {scan.ExamplesPerSecond:0} inputs/s. ")
            + (field.IsKnown ? $"Receptive field {field.Rows!.Size}×{field.Columns!.Size} (from the graph's convolution and pooling geometry)." : field.Problem)
            + (inputs.Shape.Length == 3 ? " 1-D inputs are drawn as one row per channel." : inputs.Shape[1] > 1 ? " Inputs with several channels are drawn as their channel mean." : ""));

        var mapsForFigures = spatial == 2 ? maps : new Float32Array(maps.Name, maps.Values, [maps.Shape[0], maps.Shape[1], 1, maps.Shape[2]]);
        var featureExamples = examples.Select(e => new FeatureMapExample(e, display.Image(e).ToArray(), display.Height, display.Width, "", [])).ToList();
        new FeatureMapsSection(options.Layer, mapsForFigures, featureExamples, []) { ExampleName = "Input", FileStem = stem, GreyRange = display.Range }.AddTo(report, output);
        var (rows, columns) = field.IsKnown
            ? (spatial == 2 ? field.Rows : new ReceptiveField(display.Height, 1, 0), field.Columns)
            : (null, null);
        new TopActivationsSection(top, display.Images, rows) { ColumnField = columns, ImagesName = "inputs", GreyRange = display.Range }.AddTo(report, output, stem);

        var mean = top.MeanActivation();
        List<MaximizedInput> synthesized = [];
        string? synthesisProblem = options.SynthesisSteps == 0 ? "synthesis was not asked for (UnitsOptions.SynthesisSteps = 0)." : null;
        double reached = double.NaN;
        if (synthesisProblem is null)
        {
            try
            {
                synthesized = Synthesize(model, reference.TensorName, top.Channels, inputs, options, progress, cancellationToken);
            }
            catch (Exception e) when (e is UnsupportedOnnxOperatorException or MalformedOnnxGraphException or OnnxNodeFailedException)
            {
                synthesisProblem = $"inputs cannot be synthesized for this model: the ONNX → TorchSharp executor, which provides the gradients, cannot run it ({e.Message})";
            }
        }
        if (synthesisProblem is null)
        {
            var section = new SynthesizedImagesSection(options.Layer, synthesized, [.. synthesized.Select(top.Mean)]) { FileStem = stem, GreyRange = display.Range };
            section.AddTo(report, output);
            reached = section.FractionReached;
        }
        else report.AddParagraph($"No synthesized inputs: {synthesisProblem}");

        MetricsFile.Write(output.File(ManifestFile), new
        {
            model = model.FileName, layer = options.Layer, tensor = reference.TensorName, inputs = inputs.Count, mapShape = maps.Shape[1..],
            receptiveField = field.IsKnown ? new { rows = FieldJson(field.Rows!), columns = FieldJson(field.Columns!) } : null, receptiveFieldProblem = field.Problem,
            scanInputsPerSecond = scan.ExamplesPerSecond, synthesisProblem, synthesisReached10xMean = double.IsNaN(reached) ? (double?)null : reached,
            channels = Enumerable.Range(0, top.Channels).Select(c => new
            {
                channel = c, meanActivation = mean[c],
                top = top.Top(c).Select(h => new { example = h.Example, activation = h.Activation, row = h.Row, column = h.Column }),
                synthesis = synthesized.Count > c ? new
                {
                    objective = synthesized[c].ObjectiveName, before = synthesized[c].ObjectiveBefore, after = synthesized[c].ObjectiveAfter,
                    meanOverInputs = double.IsFinite(top.Mean(synthesized[c])) ? top.Mean(synthesized[c]) : (double?)null,
                } : null,
            }),
        });
        if (spatial == 2 && rows is not null && columns is not null) WriteRun(output, model.FileName, options.Layer, display, top, rows, columns, maps, examples, synthesized);
        report.Save(output.File("report.html"));
        output.Commit();
        return new UnitsResult(output.Target, top.Channels, field, scan.ExamplesPerSecond, synthesisProblem, reached);
    }

    /// <summary>A viewer run (docs/viewer.md) of the inputs as grey images, scaled to 0–1 by the range the report
    /// uses, with the layer's units: top-k with patches, the feature maps of the chosen examples (when they ascend,
    /// as the format asks) and the synthesized inputs (their channel mean). It has no embedding; the units view is it.</summary>
    private static void WriteRun(StagedDirectory output, string modelName, string layer, DisplayImages display, ChannelTopActivations top,
        ReceptiveField rows, ReceptiveField columns, Float32Array maps, List<int> examples, List<MaximizedInput> synthesized)
    {
        var (min, max) = display.Range;
        int n = display.Images.Count, size = display.Height * display.Width;
        var pixels = display.Images.Pixels.Select(p => (float)((p - min) / (max - min))).ToArray();
        var run = new RunManifestWriter(output.Path, $"Units of '{layer}' in {modelName}", "layerscope units", n);
        run.AddArray("inputs", "inputs.npy", pixels, n, display.Height, display.Width);
        run.SetImageInputs("inputs", display.Width, display.Height);
        bool ascending = examples.Count > 0 && examples.Zip(examples.Skip(1)).All(p => p.First < p.Second);
        Float32Array? synthesis = null, scores = null;
        if (synthesized.Count == top.Channels)
        {
            // Several input channels are drawn as their mean, as the report draws them.
            var means = synthesized.Select(m => new MaximizedInput(m.Layer, m.Channel, [.. Enumerable.Range(0, size).Select(p =>
            {
                int channels = m.Pixels.Length / size;
                float sum = 0;
                for (int c = 0; c < channels; c++) sum += m.Pixels[c * size + p];
                return sum / channels;
            })], [display.Height, display.Width], m.ObjectiveBefore, m.ObjectiveAfter)).ToList();
            synthesis = UnitTopTable.Images(means, display.Height, display.Width);
            scores = UnitTopTable.Scores(synthesized, [.. synthesized.Select(top.Mean)]);
        }
        run.AddUnits(layer, UnitTopTable.From(top, rows, columns), ascending ? maps : null, ascending ? examples : null, synthesis,
            scores, synthesis is null ? null : synthesized[0].ObjectiveName);
        run.Write();
    }

    private static object FieldJson(ReceptiveField field) => new { size = field.Size, jump = field.Jump, start = field.Start };

    private static List<MaximizedInput> Synthesize(OnnxModel model, string tensor, int channels, Float32Array inputs, UnitsOptions options,
        IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        using var torchModel = OnnxTorchModel.Load(model);
        // The input's valid range and neutral value are unknown for a user's model: the data's own range and mean.
        float min = inputs.Values.Min(), max = inputs.Values.Max();
        double mean = inputs.Values.Average(v => (double)v);
        var settings = new ActivationMaximizationOptions
        {
            InputShape = inputs.Shape[1..], Steps = options.SynthesisSteps, Seed = options.Seed,
            Minimum = min, Maximum = max > min ? max : min + 1, Background = Math.Clamp(mean, min, max),
            LearningRate = 0.05 * Math.Max(max - min, 1e-6),
            Color = inputs.Shape[1] > 1 ? ColorDecorrelation.FromImages(inputs) : null,
            // A Relu's output has no gradient where the unit is off; its input is raised until the unit turns on.
            PreActivationLayer = model.Graph.Nodes.FirstOrDefault(n => n.OpType == "Relu" && n.Outputs.Contains(tensor))?.Inputs[0],
        };
        return Enumerable.Range(0, channels).Select(c =>
        {
            progress?.Report(new StepProgress("synthesize", c + 1, channels, $"channel {c}"));
            return ActivationMaximization.Run(torchModel, tensor, c, settings, cancellationToken);
        }).ToList();
    }

    /// <summary>The inputs as grey pictures: the channel mean of images, or a signal's channels as rows.</summary>
    private sealed record DisplayImages(LabeledImages Images, (double Minimum, double Maximum) Range)
    {
        public int Height => Images.Height;
        public int Width => Images.Width;
        public ReadOnlySpan<float> Image(int i) => Images.Image(i);
    }

    private static DisplayImages Display(Float32Array inputs)
    {
        int n = (int)inputs.Count;
        int height, width;
        float[] pixels;
        if (inputs.Shape.Length == 3) { (height, width) = ((int)inputs.Shape[1], (int)inputs.Shape[2]); pixels = inputs.Values; }
        else
        {
            int channels = (int)inputs.Shape[1];
            (height, width) = ((int)inputs.Shape[2], (int)inputs.Shape[3]);
            int size = height * width;
            pixels = channels == 1 ? inputs.Values : new float[n * size];
            if (channels > 1)
                for (int e = 0; e < n; e++)
                    for (int p = 0; p < size; p++)
                    {
                        float sum = 0;
                        for (int c = 0; c < channels; c++) sum += inputs.Values[((long)e * channels + c) * size + p];
                        pixels[e * size + p] = sum / channels;
                    }
        }
        double min = pixels.Min(), max = pixels.Max();
        var images = new LabeledImages(pixels, n, height, width, new int[n], ["input"], "inputs");
        return new DisplayImages(images, (min, max > min ? max : min + 1));
    }
}
