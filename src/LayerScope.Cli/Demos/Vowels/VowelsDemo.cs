using System.Globalization;
using LayerScope.Data.Loaders;
using LayerScope.Reduction.Tsne;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Cli.Demos;

/// <summary>The vowels demo's outcome: training history, the test-set report, the layers and where the report is.</summary>
public sealed record VowelsDemoResult(IReadOnlyList<EpochReport> Epochs, ClassificationReport TestReport, LayerTable Layers, string OutputDirectory)
{
    /// <summary>Histograms, gradient norms and unit activity over training (also in the run).</summary>
    public TrainingDynamics? Dynamics { get; init; }

    /// <summary>The TensorBoard export, when one was asked for.</summary>
    public TensorBoardExportResult? TensorBoard { get; init; }

    /// <summary>Test accuracy after the last epoch.</summary>
    public double FinalTestAccuracy => TestReport.Accuracy;

    /// <summary>The HTML report.</summary>
    public string ReportPath => Path.Combine(OutputDirectory, "report.html");
}

/// <summary>
/// MATLAB's "Visualize Activations of LSTM Network" on the Japanese Vowels data: an LSTM(100) learns to tell nine
/// speakers apart from 12 LPC cepstrum coefficients per frame; then the trained weights are stepped through every test
/// sequence to record the hidden state h_t and the cell state c_t at every time step, drawn as unit × time heatmaps,
/// and the final hidden states of all test sequences are embedded in two dimensions, colored by speaker.
/// </summary>
public static class VowelsDemo
{
    private static readonly FigureSize LineSize = new(800, 520);
    private static readonly FigureSize SmallHeatmapSize = new(800, 420);
    private static readonly FigureSize LargeHeatmapSize = new(800, 1000);
    private static readonly FigureSize ScatterSize = new(760, 620);

    /// <summary>The name of the 2-D embedding of the final states, for titles.</summary>
    private static readonly string EmbeddingMethod = ReductionMethod.Tsne.DisplayName();

    /// <summary>Runs the demo and writes report.html, metrics.json, layers.txt, the figures and the state arrays to
    /// <see cref="VowelsDemoOptions.OutputDirectory"/> (all or nothing).</summary>
    public static VowelsDemoResult Run(VowelsDemoOptions options, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dataDirectory = DataDirectory.Choose(options.DataDirectory);
        var train = JapaneseVowelsLoader.LoadTrain(dataDirectory);
        var test = JapaneseVowelsLoader.LoadTest(dataDirectory);
        options.Validate(test.Count);

        // Standardise every coefficient with training-set statistics over all training frames.
        var standardizer = Standardizer.Fit(train.ConcatenatedFrames(), train.Features);
        var trainInput = train.MapSequences(standardizer.Transform);
        var testInput = test.MapSequences(standardizer.Transform);

        using var output = StagedDirectory.Create(options.OutputDirectory, "metrics.json");
        torch.manual_seed(options.Seed);
        using var model = new VowelsLstm(train.Features, options.HiddenUnits, train.ClassNames.Count);
        var layers = LayerTable.Describe(model, torch.zeros(1, test.MaxLength, train.Features));

        // The test sequences are the probe batch: the activations histogrammed are those of the sequences shown,
        // captured during the trainer's own test evaluation (a second forward pass cost a sixth of each epoch).
        var dynamicsRecorder = new TrainingDynamicsRecorder(model.GetName(), new TrainingDynamicsOptions
        {
            ProbeTestSet = true, LossName = "cross-entropy",
        });
        var epochs = SequenceTrainer.Fit(model, trainInput, testInput, new TrainingOptions
        {
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            LearningRate = options.LearningRate,
            Seed = options.Seed,
            Objective = ClassificationObjective.Multiclass,
        }, progress, cancellationToken: cancellationToken, observer: dynamicsRecorder);
        var dynamics = dynamicsRecorder.Result();

        var predicted = SequenceTrainer.Predict(model, testInput);
        var classification = ClassificationReport.From(test.Labels, predicted, test.ClassNames);

        LstmStates states;
        using (var batch = SequenceBatch.PadAll(testInput))
        {
            states = LstmStepper.Run(model.Lstm, batch.Inputs, Enumerable.Range(0, test.Count).Select(test.Length).ToArray());
        }
        var finalStates = states.FinalHidden();
        // 370 points: perplexity 30 is well below N/3.
        var embedding = new TsneReducer(new TsneOptions { Seed = options.Seed }).Reduce(new DenseMatrix(finalStates, states.Count, states.Units), progress, cancellationToken);

        WriteRun(output, states, finalStates, embedding, test, predicted, dynamics);
        AtomicFile.WriteAllText(output.File("layers.txt"), layers.ToText());

        var report = new ReportBuilder("Japanese Vowels: the hidden and cell states of an LSTM, step by step");
        report.AddParagraph($"Data: Japanese Vowels (UCI; Kudo, Toyama, Shimbo 1999): nine speakers uttering /ae/, "
            + $"{train.Count} training and {test.Count} test sequences of {train.Features} LPC cepstrum coefficients per frame, "
            + $"{Enumerable.Range(0, test.Count).Min(test.Length)} to {Math.Max(train.MaxLength, test.MaxLength)} frames long. "
            + $"Network: sequence input ({train.Features}) → LSTM ({options.HiddenUnits}) → fully connected ({train.ClassNames.Count}) → softmax "
            + "(applied by the cross-entropy loss). Coefficients are standardised with training-set statistics. "
            + $"Training: Adam (learning rate {options.LearningRate}, gradients clipped to norm 1), {options.Epochs} epochs, mini-batches of {options.BatchSize} "
            + "sequences of similar length (sorted by length, packed, batch order shuffled each epoch), seed "
            + $"{options.Seed}. The states h_t and c_t at every time step come from stepping the trained LSTM weights through each test sequence.");
        report.AddKeyValues(
        [
            new("test accuracy", classification.Accuracy.ToString("0.0000", CultureInfo.InvariantCulture)),
            new("test sequences", test.Count.ToString(CultureInfo.InvariantCulture)),
            new("observation drawn", $"test sequence {options.Observation} ({test.ClassNames[test.Labels[options.Observation]]}, "
                + $"{test.Length(options.Observation)} time steps, predicted {test.ClassNames[predicted[options.Observation]]})"),
        ]);

        AddFigures(report, output, options, test, states, embedding.Positions);
        new TrainingCurvesSection(epochs, "cross-entropy") { Heading = "Training", Size = LineSize }.AddTo(report, output);
        new TrainingDynamicsSection(dynamics) { Curves = false }.AddTo(report, output);
        new LayerTableSection(layers) { Heading = "Layers" }.AddTo(report);
        new ClassificationSection(classification) { Heading = "Test set, per speaker" }.AddTo(report);

        MetricsFile.Write(output.File("metrics.json"), new
        {
            dataset = "japanese-vowels",
            trainSequences = train.Count,
            testSequences = test.Count,
            features = train.Features,
            classes = train.ClassNames,
            seed = options.Seed,
            epochs = options.Epochs,
            learningRate = options.LearningRate,
            batchSize = options.BatchSize,
            hiddenUnits = options.HiddenUnits,
            observation = options.Observation,
            units = options.Units,
            testAccuracy = classification.Accuracy,
            stateShape = states.Shape,
            finalStatesEmbedding = embedding.Method.DisplayName(),
            history = epochs,
            classification = classification.ToSummary(),
        });
        report.Save(output.File("report.html"));
        output.Commit();
        var tensorBoard = TensorBoardExport.RunIfAsked(options.TensorBoardDirectory, output.Target, progress, cancellationToken);
        return new VowelsDemoResult(epochs, classification, layers, output.Target) { Dynamics = dynamics, TensorBoard = tensorBoard };
    }

    private static void AddFigures(ReportBuilder report, StagedDirectory output, VowelsDemoOptions options, LabeledSequences test, LstmStates states, DenseMatrix embedding)
    {
        int observation = options.Observation;
        string speaker = test.ClassNames[test.Labels[observation]];
        int length = test.Length(observation);
        var sequence = test.Sequences[observation];
        var features = new LinePlotData($"Test sequence {observation} ({speaker}): input features", "time step", "LPC cepstrum coefficient",
            Enumerable.Range(0, test.Features)
                .Select(f => LineSeries.Indexed(test.FeatureNames[f], Enumerable.Range(0, length).Select(t => (double)sequence[t * test.Features + f]).ToArray()))
                .ToList());
        var allUnits = Enumerable.Range(0, states.Units).ToArray();
        var unitLabels = (IReadOnlyList<int> units) => units.Select(u => u.ToString(CultureInfo.InvariantCulture)).ToList();
        var steps = Enumerable.Range(0, length).Select(t => t.ToString(CultureInfo.InvariantCulture)).ToList();
        HeatmapData Heatmap(IReadOnlyList<int> units, bool cell) => new(
            states.UnitsOverTime(observation, units, cell),
            $"Test sequence {observation} ({speaker}): {(cell ? "cell state c_t" : "hidden state h_t")}, {(units.Count == states.Units ? "all" : units.Count.ToString(CultureInfo.InvariantCulture))} units",
            "unit", "time step", cell ? "cell state c_t" : "hidden state h_t", unitLabels(units), steps);
        var scatter = EmbeddingScatterSection.Create(new EmbeddingScatterSectionOptions
        {
            Input = new DenseMatrix(states.FinalHidden(), states.Count, states.Units),
            Embedding = embedding,
            Labels = test.Labels,
            ClassNames = test.ClassNames,
            Title = $"{EmbeddingMethod} of the final hidden states ({states.Count} test sequences)",
            AxisName = EmbeddingMethod,
            Caption = $"{EmbeddingMethod} of the final hidden state h_T of every test sequence, colored by speaker",
            Size = ScatterSize,
        });

        var figures = new (string File, string Caption, byte[] Png)[]
        {
            ("features.png", $"The {test.Features} input features of test sequence {observation} over time (raw coefficients).",
                new LinePlotFigure().RenderPng(features, LineSize)),
            ("hidden-units.png", $"Hidden state h_t of units {string.Join(", ", options.Units)} over the time steps of test sequence {observation}.",
                new HeatmapFigure().RenderPng(Heatmap(options.Units, cell: false), SmallHeatmapSize)),
            ("hidden-all.png", $"Hidden state h_t of all {states.Units} units over the time steps of test sequence {observation}.",
                new HeatmapFigure().RenderPng(Heatmap(allUnits, cell: false), LargeHeatmapSize)),
            ("cell-units.png", $"Cell state c_t of units {string.Join(", ", options.Units)} over the time steps of test sequence {observation}.",
                new HeatmapFigure().RenderPng(Heatmap(options.Units, cell: true), SmallHeatmapSize)),
            ("cell-all.png", $"Cell state c_t of all {states.Units} units over the time steps of test sequence {observation}.",
                new HeatmapFigure().RenderPng(Heatmap(allUnits, cell: true), LargeHeatmapSize)),
            ("final-states.png", scatter.Caption, scatter.Png),
        };
        report.AddHeading($"Test sequence {observation}: inputs and states over time");
        foreach (var (file, caption, png) in figures)
        {
            AtomicFile.WriteAllBytes(output.File(file), png);
            if (file == "final-states.png") report.AddHeading("All test sequences: final hidden states");
            report.AddImage(caption, png);
        }
    }

    /// <summary>Writes the arrays and the viewer's run.json: the final hidden states h_T (neighbours, means) with their
    /// t-SNE, the states h_t and c_t at every step, speaker, prediction and length per sequence, and the raw input
    /// coefficients as sequences.</summary>
    private static void WriteRun(StagedDirectory output, LstmStates states, float[] finalStates, ReducedPoints embedding, LabeledSequences test,
        int[] predicted, TrainingDynamics dynamics)
    {
        var run = new RunManifestWriter(output.Path, $"Japanese Vowels: LSTM({states.Units}) states of {states.Count} test utterances",
            "layerscope demo vowels", states.Count);
        run.AddArray("h_t", "hidden-states.npy", states.Hidden, states.Shape);
        run.AddArray("c_t", "cell-states.npy", states.Cell, states.Shape);
        run.AddArray("lengths", "sequence-lengths.npy", NpyArray.Create(states.Lengths.Select(l => (long)l).ToArray(), states.Count));
        run.AddArray("h_T", "final-hidden-states.npy", finalStates, states.Count, states.Units);
        run.AddArray("tsne", "final-states-2d.npy", NpyArray.Create(embedding.Positions.ToDoubles(), states.Count, 2));
        run.AddLayer("lstm/h_T", states.Units);
        run.AddLayer("lstm/h_t", states.Units);
        run.AddLayer("lstm/c_t", states.Units);
        run.AddActivations("lstm/h_T", "h_T");
        run.AddActivations("lstm/h_t", "h_t");
        run.AddActivations("lstm/c_t", "c_t");
        run.AddEmbedding("lstm/h_T", embedding.Method.Name(), "tsne", parameters: embedding.Parameters);
        run.AddCategoryColumn("speaker", "test-labels.npy", test.Labels, test.ClassNames);
        run.AddPredictionColumns("predicted", "predicted-labels.npy", "correct", "correct.npy", predicted, test.Labels, test.ClassNames);
        run.AddNumberColumn("length", "lengths");

        // The coefficients as recorded (not standardised), padded with zeros after each utterance's length.
        int steps = states.Steps, features = test.Features;
        var inputs = new float[(long)test.Count * steps * features];
        for (int i = 0; i < test.Count; i++) test.Sequences[i].AsSpan(0, Math.Min(test.Sequences[i].Length, steps * features)).CopyTo(inputs.AsSpan(i * steps * features));
        run.AddArray("inputs", "test-inputs.npy", inputs, test.Count, steps, features);
        run.SetSequenceInputs("inputs", "lengths", test.FeatureNames);
        run.AddDynamics(dynamics);
        run.Write();
    }
}
