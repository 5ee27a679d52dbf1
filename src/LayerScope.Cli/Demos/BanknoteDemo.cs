using System.Text.Json;
using LayerScope.Capture;
using LayerScope.Data;
using LayerScope.Data.Loaders;
using LayerScope.Evaluation;
using LayerScope.Models;
using LayerScope.Models.Zoo;
using LayerScope.Progress;
using LayerScope.Rendering;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Runs;
using LayerScope.Storage;
using LayerScope.Storage.Npy;
using LayerScope.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Cli.Demos;

/// <summary>What one network of the banknote demo reached.</summary>
public sealed record BanknoteNetworkResult(
    string Name,
    string Layer,
    IReadOnlyList<EpochReport> Epochs,
    ClassificationReport TestReport,
    LayerTable Layers)
{
    public double FinalTestAccuracy => Epochs[^1].TestAccuracy;
}

/// <summary>The banknote demo's outcome: one result per network and where the report is.</summary>
public sealed record BanknoteDemoResult(IReadOnlyList<BanknoteNetworkResult> Networks, string OutputDirectory)
{
    public string ReportPath => Path.Combine(OutputDirectory, "report.html");
}

/// <summary>
/// Trains small MLPs on the banknote data and watches their 2-unit hidden layer separate the classes, epoch by epoch:
/// after each epoch the layer is captured for the test set and drawn as it is (two units, two axes, no reduction).
/// </summary>
public static class BanknoteDemo
{
    private static readonly FigureSize FrameSize = new(640, 520);

    public static BanknoteDemoResult Run(BanknoteDemoOptions options, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var table = BanknoteLoader.Load(DataDirectory.Choose(options.DataDirectory));
        var (trainTable, testTable) = table.Split(options.TestFraction, options.Seed);

        // Standardise with training-set statistics: the raw features differ in scale by an order of magnitude.
        var standardizer = Standardizer.Fit(trainTable.Features, trainTable.Columns);
        var train = LabeledTensors.FromArrays(standardizer.Transform(trainTable.Features), [trainTable.Columns], trainTable.Labels);
        var test = LabeledTensors.FromArrays(standardizer.Transform(testTable.Features), [testTable.Columns], testTable.Labels);

        using var output = StagedDirectory.Create(options.OutputDirectory, "metrics.json");
        var report = new ReportBuilder("Banknote authentication: watching a 2-unit hidden layer learn");
        report.AddParagraph($"Data: {table.Rows} banknotes (UCI, Lohweg 2012), {table.Columns} wavelet features each "
            + $"({string.Join(", ", table.FeatureNames)}); {trainTable.Rows} for training, {testTable.Rows} held out for testing "
            + $"(seed {options.Seed}). Each network is trained with Adam (learning rate {options.LearningRate}, batch {options.BatchSize}) "
            + $"for {options.Epochs} epochs; after every epoch its 2-unit hidden layer is captured for the test set and drawn directly.");

        // The viewer's run: the test set, its raw features and labels, and every hidden layer after every epoch.
        var run = new RunManifestWriter(output.Path, $"Banknote authentication: MLP {string.Join(" and ", options.Networks.Select(w => $"4→{string.Join("→", w)}→1"))}",
            "layerscope demo banknote", testTable.Rows);
        run.AddArray("x", "test-inputs.npy", testTable.Features, testTable.Rows, testTable.Columns);
        run.SetValuesInputs("x", table.FeatureNames);
        run.AddCategoryColumn("class", "test-labels.npy", testTable.Labels, table.ClassNames);

        var results = new List<BanknoteNetworkResult>();
        foreach (var widths in options.Networks)
        {
            results.Add(TrainOne(widths, train, test, testTable.Labels, table.ClassNames, options, output, report, run, progress, cancellationToken));
        }
        run.Write();

        WriteMetrics(output.File("metrics.json"), options, table.Rows, trainTable.Rows, testTable.Rows, results);
        report.Save(output.File("report.html"));
        output.Commit();
        return new BanknoteDemoResult(results, output.Target);
    }

    private static BanknoteNetworkResult TrainOne(
        IReadOnlyList<int> widths, LabeledTensors train, LabeledTensors test, int[] testLabels, IReadOnlyList<string> classNames,
        BanknoteDemoOptions options, StagedDirectory output, ReportBuilder report, RunManifestWriter run, IProgress<StepProgress>? progress,
        CancellationToken cancellationToken)
    {
        torch.manual_seed(options.Seed);
        using var model = new BanknoteMlp(widths, inputs: (int)train.Features.shape[1]);
        string name = model.GetName();
        string layer = model.LastHiddenLayer;
        var hiddenLayers = Enumerable.Range(1, widths.Count).Select(i => $"relu{i}").ToList();
        for (int i = 0; i < widths.Count; i++) run.AddLayer($"{name}/{hiddenLayers[i]}", widths[i]);
        var layers = LayerTable.Describe(model, torch.zeros(1, train.Features.shape[1]));
        var frames = new List<ScatterPlotData>();

        var epochs = Trainer.Fit(model, train, test, new TrainingOptions
        {
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            LearningRate = options.LearningRate,
            Seed = options.Seed,
        }, afterEpoch: epoch =>
        {
            var captured = ActivationCapture.Run(model, test.Features, hiddenLayers, cancellationToken: cancellationToken);
            AddEpochToRun(run, name, captured, epoch.Epoch);
            var hidden = captured[layer];
            frames.Add(HiddenLayerFrame(hidden, testLabels, classNames, $"{name}, epoch {epoch.Epoch}: test accuracy {epoch.TestAccuracy:0.000}", layer));
        }, progress, cancellationToken);

        // One frame for all epochs, so the animation shows the points moving rather than the axes.
        var limits = PlotLimits.Enclosing(frames);
        var scatter = new ScatterFigure();
        var pngs = new List<(string Label, byte[] Png)>();
        for (int i = 0; i < frames.Count; i++)
        {
            var png = scatter.RenderPng(frames[i] with { Limits = limits }, FrameSize);
            AtomicFile.WriteAllBytes(output.File(name, $"epoch-{i + 1:00}.png"), png);
            pngs.Add(($"epoch {i + 1}", png));
        }

        var final = ActivationCapture.Run(model, test.Features, [layer], cancellationToken: cancellationToken)[layer];
        NpyWriter.Write(output.File(name, "hidden-activations.npy"), NpyArray.Create(final.Values, final.Shape));
        NpyWriter.Write(output.File(name, "test-labels.npy"), NpyArray.Create(testLabels.Select(l => (long)l).ToArray(), testLabels.Length));

        int[] predicted;
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            predicted = Trainer.Predict(model.call(test.Features), ClassificationObjective.Binary).data<long>().ToArray().Select(p => (int)p).ToArray();
        }
        var classification = ClassificationReport.From(testLabels, predicted, classNames);
        run.AddCategoryColumn($"predicted ({name})", $"{name}/test-predicted.npy", predicted, classNames);
        run.AddCategoryColumn($"correct ({name})", $"{name}/test-correct.npy", predicted.Select((p, i) => p == testLabels[i] ? 1 : 0).ToList(), ["wrong", "right"]);

        var lossCurves = new LinePlotData($"{name}: loss", "epoch", "binary cross-entropy",
        [
            new LineSeries("train", epochs.Select(e => (double)e.Epoch).ToArray(), epochs.Select(e => e.TrainLoss).ToArray()),
            new LineSeries("test", epochs.Select(e => (double)e.Epoch).ToArray(), epochs.Select(e => e.TestLoss).ToArray()),
        ]);
        var accuracyCurves = new LinePlotData($"{name}: accuracy", "epoch", "accuracy",
        [
            new LineSeries("train", epochs.Select(e => (double)e.Epoch).ToArray(), epochs.Select(e => e.TrainAccuracy).ToArray()),
            new LineSeries("test", epochs.Select(e => (double)e.Epoch).ToArray(), epochs.Select(e => e.TestAccuracy).ToArray()),
        ]);
        var lines = new LinePlotFigure();
        var lossPng = lines.RenderPng(lossCurves, FrameSize);
        var accuracyPng = lines.RenderPng(accuracyCurves, FrameSize);
        AtomicFile.WriteAllBytes(output.File(name, "loss.png"), lossPng);
        AtomicFile.WriteAllBytes(output.File(name, "accuracy.png"), accuracyPng);

        report.AddHeading($"{name}: hidden layer '{layer}'");
        report.AddImageSequence($"{name}: the test set in the 2-unit layer '{layer}' after each epoch", pngs);
        report.AddTable(["layer", "type", "output shape", "parameters", "settings"],
            layers.Layers.Select(l => (IReadOnlyList<string>)[l.Name, l.Type, l.OutputShapeText, l.ParameterCount.ToString(System.Globalization.CultureInfo.InvariantCulture), l.ConfigText]).ToList());
        report.AddImage($"{name}: training curves (loss)", lossPng);
        report.AddImage($"{name}: training curves (accuracy)", accuracyPng);
        report.AddParagraph($"Test set after {epochs.Count} epochs: accuracy {classification.Accuracy:0.0000}.");
        report.AddTable(["class", "precision", "recall", "F1", "support"],
            classification.Classes.Append(classification.MacroAverage).Append(classification.WeightedAverage)
                .Select(c => (IReadOnlyList<string>)[c.Class, $"{c.Precision:0.0000}", $"{c.Recall:0.0000}", $"{c.F1:0.0000}", $"{c.Support}"]).ToList());

        return new BanknoteNetworkResult(name, layer, epochs, classification, layers);
    }

    /// <summary>Records every hidden layer after <paramref name="epoch"/> as activations and, when it has 2 or 3
    /// units, as a raw embedding: the units themselves are the axes, so they are not aligned between epochs.</summary>
    private static void AddEpochToRun(RunManifestWriter run, string network, IReadOnlyDictionary<string, CapturedArray> captured, int epoch)
    {
        foreach (var (layer, values) in captured.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var array = RunManifest.ToArrayName($"{network}.{layer}-e{epoch:00}");
            run.AddArray(array, $"{network}/epochs/{layer}-e{epoch:00}.npy", values.Values, values.Shape);
            run.AddActivations($"{network}/{layer}", array, epoch);
            if (values.Shape[^1] is 2 or 3) run.AddEmbedding($"{network}/{layer}", RunEmbedding.RawMethod, array, epoch);
        }
    }

    private static ScatterPlotData HiddenLayerFrame(CapturedArray hidden, int[] labels, IReadOnlyList<string> classNames, string title, string layer)
    {
        int count = (int)hidden.Count;
        var x = new double[count];
        var y = new double[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = hidden.Values[2 * i];
            y[i] = hidden.Values[2 * i + 1];
        }
        return new ScatterPlotData(x, y, labels, classNames) { Title = title, XLabel = $"{layer} unit 1", YLabel = $"{layer} unit 2" };
    }

    private static void WriteMetrics(string path, BanknoteDemoOptions options, int rows, int trainRows, int testRows, IReadOnlyList<BanknoteNetworkResult> results)
    {
        var metrics = new
        {
            dataset = "banknote",
            examples = rows,
            trainExamples = trainRows,
            testExamples = testRows,
            seed = options.Seed,
            epochs = options.Epochs,
            learningRate = options.LearningRate,
            batchSize = options.BatchSize,
            networks = results.Select(r => new
            {
                name = r.Name,
                layer = r.Layer,
                finalTestAccuracy = r.FinalTestAccuracy,
                history = r.Epochs.Select(e => new { epoch = e.Epoch, trainLoss = e.TrainLoss, trainAccuracy = e.TrainAccuracy, testLoss = e.TestLoss, testAccuracy = e.TestAccuracy }),
                classification = new
                {
                    accuracy = r.TestReport.Accuracy,
                    classes = r.TestReport.Classes.Append(r.TestReport.MacroAverage).Append(r.TestReport.WeightedAverage)
                        .Select(c => new { name = c.Class, precision = c.Precision, recall = c.Recall, f1 = c.F1, support = c.Support }),
                },
            }),
        };
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(metrics, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
