using LayerScope.Attribution;
using LayerScope.Data.Loaders;
using TorchSharp;

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

    /// <summary>Histograms, gradient norms and unit activity over training (also in <c>{Name}/dynamics.json</c>).</summary>
    public TrainingDynamics? Dynamics { get; init; }
}

/// <summary>The banknote demo's outcome: one result per network and where the report is.</summary>
public sealed record BanknoteDemoResult(IReadOnlyList<BanknoteNetworkResult> Networks, string OutputDirectory)
{
    public string ReportPath => Path.Combine(OutputDirectory, "report.html");

    /// <summary>The TensorBoard export, when one was asked for.</summary>
    public TensorBoardExportResult? TensorBoard { get; init; }
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
        // What the saved networks read: the test features standardised with the training statistics. Explaining
        // model-NAME.dat on the raw features above would attribute a prediction the network never makes.
        Storage.Npy.NpyWriter.Write(output.File("network-inputs.npy"),
            Storage.Npy.NpyArray.Create(standardizer.Transform(testTable.Features), testTable.Rows, testTable.Columns));
        run.SetValuesInputs("x", table.FeatureNames);
        run.AddCategoryColumn("class", "test-labels.npy", testTable.Labels, table.ClassNames);

        var results = options.Networks
            .Select(widths => TrainOne(widths, train, test, testTable.Labels, table.ClassNames, table.FeatureNames, options, output, report, run, progress, cancellationToken))
            .ToList();
        run.Write();

        MetricsFile.Write(output.File("metrics.json"), new
        {
            dataset = "banknote",
            examples = table.Rows,
            trainExamples = trainTable.Rows,
            testExamples = testTable.Rows,
            seed = options.Seed,
            epochs = options.Epochs,
            learningRate = options.LearningRate,
            batchSize = options.BatchSize,
            networks = results.Select(r => new
            {
                name = r.Name, layer = r.Layer, finalTestAccuracy = r.FinalTestAccuracy, history = r.Epochs, classification = r.TestReport.ToSummary(),
            }),
        });
        report.Save(output.File("report.html"));
        output.Commit();
        var tensorBoard = TensorBoardExport.RunIfAsked(options.TensorBoardDirectory, output.Target, progress, cancellationToken);
        return new BanknoteDemoResult(results, output.Target) { TensorBoard = tensorBoard };
    }

    private static BanknoteNetworkResult TrainOne(
        IReadOnlyList<int> widths, LabeledTensors train, LabeledTensors test, int[] testLabels, IReadOnlyList<string> classNames,
        IReadOnlyList<string> featureNames, BanknoteDemoOptions options, StagedDirectory output, ReportBuilder report, RunManifestWriter run, IProgress<StepProgress>? progress,
        CancellationToken cancellationToken)
    {
        torch.manual_seed(options.Seed);
        using var model = new BanknoteMlp(widths, inputs: (int)train.Features.shape[1]);
        string name = model.GetName();
        string layer = model.LastHiddenLayer;
        var layers = LayerTable.Describe(model, torch.zeros(1, train.Features.shape[1]));
        var recorder = new EpochRecorder(model, test.Features, run, new EpochRecorderOptions
        {
            Layers = [.. Enumerable.Range(1, widths.Count).Select(i => $"relu{i}")],
            Network = name,
        });
        // The test set is the fixed probe batch: the activations histogrammed are those the scatters show, captured
        // during the trainer's own test evaluation (no second forward pass).
        var dynamicsRecorder = new TrainingDynamicsRecorder(name, new TrainingDynamicsOptions
        {
            ProbeTestSet = true, LossName = "binary cross-entropy",
        });
        var epochs = Trainer.Fit(model, train, test, new TrainingOptions
        {
            Epochs = options.Epochs, BatchSize = options.BatchSize, LearningRate = options.LearningRate, Seed = options.Seed,
        }, afterEpoch: epoch => recorder.Record(epoch.Epoch, cancellationToken: cancellationToken), progress, cancellationToken, dynamicsRecorder);
        var dynamics = dynamicsRecorder.Result();
        // The trained weights, for `layerscope explain --zoo banknote-mlp --weights model-mlp-4-2-1.dat --input
        // network-inputs.npy` (one file per network).
        model.save(output.File($"model-{name}.dat"));
        run.AddDynamics(dynamics, $"{name}/{TrainingDynamicsFile.FileName}");

        // One frame for all epochs, so the animation shows the points moving rather than the axes.
        var frames = recorder.Epochs.Select((e, i) => EmbeddingScatter.Create(e.Layers[layer].ToMatrix(), testLabels, classNames,
            $"{name}, epoch {e.Epoch}: test accuracy {epochs[i].TestAccuracy:0.000}", $"{layer} unit")).ToList();
        var limits = PlotLimits.Enclosing(frames);
        var pngs = frames.Select((frame, i) => ($"epoch {i + 1}", new ScatterFigure().RenderPng(frame with { Limits = limits }, FrameSize))).ToList();
        for (int i = 0; i < pngs.Count; i++) AtomicFile.WriteAllBytes(output.File(name, $"epoch-{i + 1:00}.png"), pngs[i].Item2);

        var final = recorder.Epochs[^1].Layers[layer];
        NpyWriter.Write(output.File(name, "hidden-activations.npy"), NpyArray.Create(final.Values, final.Shape));
        NpyWriter.Write(output.File(name, "test-labels.npy"), NpyArray.Create(testLabels.Select(l => (long)l).ToArray(), testLabels.Length));
        var predicted = Trainer.PredictClasses(model, test.Features, ClassificationObjective.Binary);
        var classification = ClassificationReport.From(testLabels, predicted, classNames);
        run.AddPredictionColumns($"predicted ({name})", $"{name}/test-predicted.npy", $"correct ({name})", $"{name}/test-correct.npy", predicted, testLabels, classNames);

        report.AddHeading($"{name}: hidden layer '{layer}'");
        report.AddImageSequence($"{name}: the test set in the 2-unit layer '{layer}' after each epoch", pngs);
        new LayerTableSection(layers).AddTo(report);
        new TrainingCurvesSection(epochs, "binary cross-entropy") { Subject = name, Folder = name, Size = FrameSize }.AddTo(report, output);
        new ClassificationSection(classification) { Summary = $"Test set after {epochs.Count} epochs: accuracy {classification.Accuracy:0.0000}." }.AddTo(report);
        // Which wavelet features pushed each test note toward "forged": Integrated Gradients (Sundararajan et al. 2017)
        // from the all-zero input, which after standardising is the average training note.
        var relevance = new IntegratedGradients(new ExplainedModel(new ModuleDifferentiableModel(model), ModuleDifferentiableModel.OutputName))
            .Attribute(test.Features, target: 0);
        NpyWriter.Write(output.File(name, "test-relevance-ig.npy"), relevance.Relevance);
        new FeatureRelevanceSection(featureNames, relevance.Relevance, testLabels, classNames)
        {
            Summary = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Integrated Gradients (64 steps, from the average training note) of the output P({classNames[1]}) for every test note; "
                + $"per note the relevances sum to P(x) − P(average) within {relevance.ConvergenceDelta?.Max(Math.Abs) ?? 0:G2}."),
        }.AddTo(report);
        new TrainingDynamicsSection(dynamics) { Folder = name, Curves = false }.AddTo(report, output);
        return new BanknoteNetworkResult(name, layer, epochs, classification, layers) { Dynamics = dynamics };
    }
}
