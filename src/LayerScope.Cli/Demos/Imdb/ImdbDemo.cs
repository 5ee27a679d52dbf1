using System.Diagnostics;
using LayerScope.Data.Loaders;
using LayerScope.Data.Reviews;
using LayerScope.Reduction.Pca;
using LayerScope.Reduction.Quality;
using LayerScope.Reduction.Tsne;
using LayerScope.Text;
using TorchSharp;

namespace LayerScope.Cli.Demos;

/// <summary>The IMDB demo's outcome: the training history, the test scores, the throughput measured and where the
/// report is.</summary>
public sealed record ImdbDemoResult(
    IReadOnlyList<EpochReport> Epochs,
    ClassificationReport Classification,
    double TrainingReviewsPerSecond,
    double CaptureReviewsPerSecond,
    string OutputDirectory)
{
    /// <summary>Histograms, gradient norms and unit activity over training (also in the run).</summary>
    public TrainingDynamics? Dynamics { get; init; }

    /// <summary>The TensorBoard export, when one was asked for.</summary>
    public TensorBoardExportResult? TensorBoard { get; init; }

    public string ReportPath => Path.Combine(OutputDirectory, "report.html");
}

/// <summary>
/// Keras' IMDB bidirectional-LSTM example end to end: train on the reviews, capture the BiLSTM's 128 features of every
/// test review after each epoch (a PCA picture per epoch, aligned), then PCA 128 → 20 and t-SNE of all of them, scored
/// and plotted by class and by correctness, with the most confidently wrong reviews to read.
/// </summary>
public static class ImdbDemo
{
    private const string Layer = ImdbBiLstm.FeatureLayer;

    /// <summary>Test reviews in the training-dynamics probe batch: enough for stable histograms, few enough that the
    /// extra forward pass per epoch is small next to an epoch of training.</summary>
    private const int ProbeReviews = 256;

    public static ImdbDemoResult Run(ImdbDemoOptions options, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var corpus = AclImdbLoader.Load(DataDirectory.Choose(options.DataDirectory), progress, cancellationToken);
        var training = options.TrainLimit is int trainLimit ? ReviewSampling.Balanced(corpus.Train, trainLimit, options.Seed) : corpus.Train;
        var testReviews = options.TestLimit is int testLimit ? ReviewSampling.Balanced(corpus.Test, testLimit, options.Seed + 1) : corpus.Test;
        var split = ReviewSampling.HoldOut(training, options.ValidationFraction, options.Seed);
        var vocabulary = WordVocabulary.Build(split.Train.Select(r => r.Text), new WordVocabularyOptions { MaxFeatures = options.MaxFeatures });
        var train = ReviewTensors.Encode(split.Train, vocabulary, options.MaxLength);
        var validation = ReviewTensors.Encode(split.Validation, vocabulary, options.MaxLength);
        var test = ReviewTensors.Encode(testReviews, vocabulary, options.MaxLength);
        var labels = testReviews.Select(r => r.Label).ToArray();
        var texts = testReviews.Select(r => ReviewTokenizer.ForDisplay(r.Text)).ToList();
        var classNames = ReviewCorpus.ClassNames;

        using var output = StagedDirectory.Create(options.OutputDirectory, "metrics.json");
        var run = new RunManifestWriter(output.Path, "IMDB sentiment: bidirectional LSTM", "layerscope demo imdb", testReviews.Count);
        run.AddCategoryColumn("sentiment", "test-labels.npy", labels, classNames);
        run.SetTextInputs("reviews.json", texts);

        torch.manual_seed(options.Seed);
        using var model = new ImdbBiLstm(vocabulary.Size, options.EmbeddingSize, options.Units);
        var layers = LayerTable.Describe(model, test.Features.narrow(0, 0, 1));
        var recorder = new EpochRecorder(model, test.Features, run, new EpochRecorderOptions
        {
            Layers = [Layer], Reducer = new PcaReducer(new PcaOptions { Components = 2, Seed = options.Seed }),
        });
        using var probe = test.Features.narrow(0, 0, Math.Min(ProbeReviews, test.Count));
        var dynamicsRecorder = new TrainingDynamicsRecorder(model.GetName(), new TrainingDynamicsOptions
        {
            Probe = TrainingDynamicsOptions.ProbeInputs(probe), LossName = "binary cross-entropy",
        });
        var recording = new Stopwatch();
        var trainingWatch = Stopwatch.StartNew();
        var epochs = Trainer.Fit(model, train, validation, new TrainingOptions
        {
            Epochs = options.Epochs, BatchSize = options.BatchSize, LearningRate = options.LearningRate, Seed = options.Seed, RestoreBestEpoch = options.RestoreBestEpoch,
            Objective = ClassificationObjective.Binary,
        }, afterEpoch: epoch => { recording.Start(); recorder.Record(epoch.Epoch, progress, cancellationToken); recording.Stop(); }, progress, cancellationToken, dynamicsRecorder);
        var dynamics = dynamicsRecorder.Result();
        // The trained weights and the vocabulary (line i: the word of id i), for `layerscope explain --zoo imdb-bilstm
        // --weights model.dat --words words.txt` on this network.
        model.save(output.File("model.dat"));
        AtomicFile.WriteAllText(output.File("words.txt"), string.Join("\n", Enumerable.Range(0, vocabulary.Size).Select(i => vocabulary.WordAt(i))) + "\n");
        // Training throughput counts the optimisation steps and the per-epoch evaluation, not the recorder's captures.
        double trainingPerSecond = train.Count * (double)options.Epochs / (trainingWatch.Elapsed - recording.Elapsed).TotalSeconds;
        double capturePerSecond = testReviews.Count / recorder.Epochs[^1].CaptureTime.TotalSeconds;

        var probabilities = Trainer.PredictOutputs(model, test.Features, progress: progress, cancellationToken: cancellationToken).Values;
        var predicted = BinaryDecision.Classes(probabilities);
        var correct = predicted.Select((p, i) => p == labels[i] ? 1 : 0).ToArray();
        run.AddPredictionColumns("predicted", "test-predicted.npy", "correct", "test-correct.npy", predicted, labels, classNames);
        run.AddArray("p_positive", "test-p-positive.npy", probabilities, probabilities.Length);
        run.AddNumberColumn("P(positive)", "p_positive");

        // The layer as the kept model computes it: the best epoch's capture when its weights were restored.
        int kept = options.RestoreBestEpoch ? epochs.MaxBy(e => e.TestAccuracy)!.Epoch : epochs[^1].Epoch;
        var features = recorder.Epochs.Single(e => e.Epoch == kept).Layers[Layer].ToMatrix();
        var pca = PcaReducer.Fit(features, new PcaOptions { Components = Math.Min(options.PcaComponents, Math.Min(features.Rows, features.Columns)), Seed = options.Seed }, progress);
        var tsne = new TsneReducer(new TsneOptions { Seed = options.Seed, PcaComponents = 0, Perplexity = TsneOptions.PerplexityFor(features.Rows) })
            .Reduce(pca.Transform(features), progress, cancellationToken);
        run.AddArray("bilstm_tsne", "bilstm-tsne.npy", tsne.Positions.Values, tsne.Positions.Rows, tsne.Positions.Columns);
        run.AddEmbedding(Layer, tsne.Method.Name(), "bilstm_tsne", parameters: tsne.Parameters);
        run.AddDynamics(dynamics);
        run.Write();

        var classification = ClassificationReport.From(labels, predicted, classNames);
        var confusion = ConfusionMatrix.From(labels, predicted, classNames);
        var report = new ReportBuilder("IMDB sentiment: what a bidirectional LSTM learned");
        report.AddParagraph($"Data: {corpus.Train.Count:N0} training and {corpus.Test.Count:N0} test reviews (Maas et al. 2011, {Path.GetFileName(corpus.Source)}); "
            + $"trained on {split.Train.Count:N0}, {split.Validation.Count:N0} held out for validation, {testReviews.Count:N0} test reviews captured. "
            + $"Vocabulary {vocabulary}; reviews pre-padded to {options.MaxLength} words. Adam (learning rate {options.LearningRate}, batch {options.BatchSize}), "
            + $"{options.Epochs} epochs, seed {options.Seed}"
            + (options.RestoreBestEpoch ? $"; the model kept is that of epoch {kept}, the best on the validation reviews" : "")
            + $". Training {trainingPerSecond:N0} reviews/s, capture {capturePerSecond:N0} reviews/s.");
        new LayerTableSection(layers) { Heading = "The network" }.AddTo(report);
        new TrainingCurvesSection(epochs, "binary cross-entropy") { HeldOutName = "validation", Heading = "Training" }.AddTo(report, output);
        new TrainingDynamicsSection(dynamics) { Curves = false, HeldOutName = "validation" }.AddTo(report, output);
        new EpochAnimationSection(recorder.Epochs, Layer, labels, classNames)
        {
            AxisName = "PCA", Caption = $"The test reviews in the {Layer} layer after each epoch (PCA to 2-D, each epoch aligned to the previous one).",
            Titles = epochs.Select(e => $"{Layer} after epoch {e.Epoch}: validation accuracy {e.TestAccuracy:0.000}").ToList(),
        }.AddTo(report, output);
        new ExplainedVarianceSection(pca.ExplainedVarianceRatio) { Subject = $"the {Layer} layer", Heading = "The BiLSTM layer" }.AddTo(report, output);
        var byClass = Scatter(features, tsne, labels, classNames, "by true sentiment", pca.Components.Rows, output, "tsne-by-class.png", report);
        var byCorrectness = Scatter(features, tsne, correct, RunManifestWriter.CorrectnessCategories, "by correctness", pca.Components.Rows, output, "tsne-by-correctness.png", report, byClass.Quality);
        new ClassificationSection(classification) { Heading = "Classification", Summary = $"All {testReviews.Count:N0} test reviews after {options.Epochs} epochs: accuracy {classification.Accuracy:0.0000}." }.AddTo(report);
        new ConfusionMatrixSection(confusion).AddTo(report);
        var mistakes = ConfidentMistakes.Top(probabilities, labels, options.Mistakes);
        new MistakesSection(mistakes, texts, classNames) { Heading = $"The {mistakes.Count} most confidently wrong reviews" }.AddTo(report);
        new WordRelevanceSection(model, test.Features, probabilities, labels, vocabulary.WordAt, classNames) { PaddingToken = WordVocabulary.Padding }.AddTo(report);

        MetricsFile.Write(output.File("metrics.json"), new
        {
            dataset = "imdb", source = Path.GetFileName(corpus.Source), trainReviews = split.Train.Count, validationReviews = split.Validation.Count,
            testReviews = testReviews.Count, vocabulary = vocabulary.Size, options.MaxLength, options.Epochs, options.BatchSize, options.LearningRate, options.Seed,
            history = epochs, keptEpoch = kept, classification = classification.ToSummary(), confusionMatrix = confusion,
            pcaExplainedVarianceRatio = pca.ExplainedVarianceRatio, tsneQuality = new { byClass = byClass.Quality, byCorrectness = byCorrectness.Quality },
            throughput = new { trainingReviewsPerSecond = trainingPerSecond, captureReviewsPerSecond = capturePerSecond },
            mistakes = mistakes.Select(m => new { index = m.Index, actual = classNames[m.Actual], predicted = classNames[m.Predicted], confidence = m.Confidence }),
        });
        report.Save(output.File("report.html"));
        output.Commit();
        var tensorBoard = TensorBoardExport.RunIfAsked(options.TensorBoardDirectory, output.Target, progress, cancellationToken);
        return new ImdbDemoResult(epochs, classification, trainingPerSecond, capturePerSecond, output.Target) { Dynamics = dynamics, TensorBoard = tensorBoard };
    }

    private static EmbeddingScatterSectionResult Scatter(DenseMatrix features, ReducedPoints tsne, int[] labels, IReadOnlyList<string> names, string by, int components,
        StagedDirectory output, string file, ReportBuilder report, QualityReport? neighborhood = null)
    {
        var section = EmbeddingScatterSection.Create(new EmbeddingScatterSectionOptions
        {
            Input = features, Embedding = tsne.Positions, Labels = labels, ClassNames = names, AxisName = "t-SNE", Neighborhood = neighborhood,
            Title = $"t-SNE of the {Layer} layer ({features.Rows:N0} test reviews), {by}",
            Caption = $"The {Layer} layer of every test review, PCA to {components} components then t-SNE to 2-D, colored {by}",
        });
        AtomicFile.WriteAllBytes(output.File(file), section.Png);
        section.AddTo(report);
        return section;
    }
}
