using LayerScope.Attribution;
using System.Diagnostics;
using LayerScope.Arrays;
using LayerScope.Data.Images;
using LayerScope.Data.Loaders;
using LayerScope.Errors;
using LayerScope.Gradients;
using LayerScope.Reduction.Tsne;
using LayerScope.Units;
using TorchSharp;

namespace LayerScope.Cli.Demos;

/// <summary>What the CNN demo reached and measured.</summary>
/// <param name="Epochs">The training history.</param>
/// <param name="TrainingTime">Wall time of training (including the per-epoch evaluations).</param>
/// <param name="ScanImagesPerSecond">Images per second of the unit scan (forward passes + top-k folding).</param>
/// <param name="SynthesisReached">Per layer, the share of channels whose synthesis reaches 10× their mean.</param>
/// <param name="OutputDirectory">Where the report and the run are.</param>
public sealed record CnnDemoResult(IReadOnlyList<EpochReport> Epochs, TimeSpan TrainingTime, double ScanImagesPerSecond,
    IReadOnlyDictionary<string, double> SynthesisReached, string OutputDirectory)
{
    /// <summary>Histograms, gradient norms and unit activity over training (also in the run).</summary>
    public TrainingDynamics? Dynamics { get; init; }

    /// <summary>The TensorBoard export, when one was asked for.</summary>
    public TensorBoardExportResult? TensorBoard { get; init; }

    public double TestAccuracy => Epochs[^1].TestAccuracy;
    public string ReportPath => Path.Combine(OutputDirectory, "report.html");
}

/// <summary>
/// Inside a convolutional network (after Yosinski et al. 2015, "Understanding Neural Networks Through Deep
/// Visualization"): trains <see cref="FashionCnn"/> on Fashion-MNIST, then shows, for every channel of its conv
/// layers, feature maps of chosen test images, the nine test images (and receptive-field patches) that excite it
/// most and an image synthesized to excite it; and a t-SNE of the penultimate layer, also written as a viewer run.
/// </summary>
public static class CnnDemo
{
    public static CnnDemoResult Run(CnnDemoOptions options, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        InvalidSettingsException.ThrowIfAny(options.Validate());
        var data = DataDirectory.Choose(options.DataDirectory);
        var train = FashionMnistLoader.Load(data, FashionMnistSplit.Train).Take(options.TrainLimit ?? int.MaxValue);
        var test = FashionMnistLoader.Load(data, FashionMnistSplit.Test).Take(options.TestLimit ?? int.MaxValue);
        torch.manual_seed(options.Seed);
        using var model = new FashionCnn();
        var testTensors = Tensors(test);
        // A fixed probe batch of test images, small enough that histogramming every feature map each epoch stays cheap.
        using var probe = testTensors.Features.narrow(0, 0, Math.Min(options.ProbeImages, test.Count));
        var dynamicsRecorder = new TrainingDynamicsRecorder(model.GetName(), new TrainingDynamicsOptions
        {
            Probe = TrainingDynamicsOptions.ProbeInputs(probe), LossName = "cross-entropy",
        });
        var clock = Stopwatch.StartNew();
        var epochs = Trainer.Fit(model, Tensors(train), testTensors, new TrainingOptions
        {
            Epochs = options.Epochs, BatchSize = options.BatchSize, LearningRate = options.LearningRate, Seed = options.Seed,
            Objective = ClassificationObjective.Multiclass,
        }, progress: progress, cancellationToken: cancellationToken, observer: dynamicsRecorder);
        var trainingTime = clock.Elapsed;
        var dynamics = dynamicsRecorder.Result();

        using var output = StagedDirectory.Create(options.OutputDirectory, "metrics.json");
        // The trained weights, so that `layerscope explain --zoo fashion-cnn --weights model.dat` explains this network.
        model.save(output.File("model.dat"));
        var report = new ReportBuilder("Inside a CNN: feature maps, top images and synthesized inputs per channel (Fashion-MNIST)");
        report.AddParagraph($"Data: Fashion-MNIST (Xiao, Rasul, Vollgraf 2017), {train.Count:N0} training and {test.Count:N0} test images of 28×28 grey pixels "
            + $"in 10 classes. Network: {nameof(FashionCnn)} trained with Adam (learning rate {options.LearningRate}, batch {options.BatchSize}) for "
            + $"{options.Epochs} epochs, seed {options.Seed}: test accuracy {epochs[^1].TestAccuracy:0.0000} after {trainingTime.TotalSeconds:0} s.");
        new LayerTableSection(LayerTable.Describe(model, torch.zeros(1, 1, test.Height, test.Width))) { Heading = "Layers" }.AddTo(report);
        new TrainingCurvesSection(epochs, "cross-entropy") { Heading = "Training" }.AddTo(report, output);
        new TrainingDynamicsSection(dynamics) { Curves = false }.AddTo(report, output);

        var differentiable = new ModuleDifferentiableModel(model);
        var inputs = new Float32Array("images", test.Pixels, [test.Count, 1, test.Height, test.Width]);
        var scan = UnitScan.Run(differentiable, inputs, new UnitScanOptions { Layers = options.Layers, FeatureMapExamples = options.FeatureMapImages },
            progress, cancellationToken);
        var captured = ActivationCapture.Run(model, testTensors.Features, [options.PenultimateLayer, "fc2"], progress: progress, cancellationToken: cancellationToken);
        var probabilities = Softmax(captured["fc2"]);
        var predicted = probabilities.Select(p => Array.IndexOf(p, p.Max())).ToArray();
        var examples = options.FeatureMapImages.Select(i => new FeatureMapExample(i, test.Image(i).ToArray(), test.Height, test.Width,
            test.ClassNames[test.Labels[i]], probabilities[i])).ToList();

        var reached = new Dictionary<string, double>(StringComparer.Ordinal);
        var runUnits = new List<(string Layer, Float32Array Top, Float32Array Synthesis, Float32Array Scores, string Objective)>();
        foreach (var layer in options.Layers)
        {
            report.AddHeading($"Layer '{layer}'");
            new FeatureMapsSection(layer, scan.FeatureMaps[layer], examples, test.ClassNames).AddTo(report, output);
            var top = scan.Layers[layer];
            var field = ReceptiveField.Of(FashionCnn.GeometryUpTo(layer));
            new TopActivationsSection(top, test, field).AddTo(report, output);
            var synthesis = Synthesis(test, options) with { PreActivationLayer = FashionCnn.PreActivationOf(layer) };
            var images = Enumerable.Range(0, top.Channels).Select(c =>
            {
                progress?.Report(new StepProgress($"synthesize {layer}", c + 1, top.Channels, $"channel {c}"));
                return ActivationMaximization.Run(differentiable, layer, c, synthesis, cancellationToken);
            }).ToList();
            var section = new SynthesizedImagesSection(layer, images, [.. images.Select(top.Mean)]);
            section.AddTo(report, output);
            reached[layer] = section.FractionReached;
            runUnits.Add((layer, UnitTopTable.From(top, field), UnitTopTable.Images(images, test.Height, test.Width),
                UnitTopTable.Scores(images, [.. images.Select(top.Mean)]), images[0].ObjectiveName));
        }
        // The viewer's units view draws the maps of the clicked image; a bounded number of the first test images keep theirs.
        int mapPoints = options.Layers.Min(l => UnitTopTable.MapPoints(test.Count, scan.FeatureMaps[l].FeaturesPerExample));
        var runMaps = ActivationCapture.Run(model, testTensors.Features.narrow(0, 0, mapPoints), options.Layers, progress: progress, cancellationToken: cancellationToken);

        // Relevance maps of the same images beside their feature maps; the randomized twin is the sanity check's reference.
        torch.manual_seed(options.Seed + 1);
        using (var randomized = new FashionCnn())
            new RelevanceMapsSection(model, randomized, examples, inputs, test.ClassNames).AddTo(report, output, progress);

        report.AddHeading("The class logits");
        var classes = SynthesizeClasses(differentiable, test, captured["fc2"], Synthesis(test, options), progress, cancellationToken);
        new SynthesizedClassesSection("fc2", classes).AddTo(report, output);

        var penultimate = captured[options.PenultimateLayer];
        var tsne = new TsneReducer(new TsneOptions { Seed = options.Seed, Perplexity = TsneOptions.PerplexityFor(test.Count) })
            .Reduce(penultimate.ToMatrix(), progress, cancellationToken);
        report.AddHeading($"The test images in '{options.PenultimateLayer}'");
        EmbeddingScatterSection.Create(new EmbeddingScatterSectionOptions
        {
            Input = penultimate.ToMatrix(), Embedding = tsne.Positions, Labels = test.Labels, ClassNames = test.ClassNames, AxisName = "t-SNE",
            Title = $"t-SNE of '{options.PenultimateLayer}' ({test.Count:N0} test images)",
            Caption = $"t-SNE of the {penultimate.FeaturesPerExample}-unit layer '{options.PenultimateLayer}' for every test image, colored by true class",
        }).AddTo(report);
        var run = RunWriter(output, test, penultimate, tsne, predicted, options, dynamics);
        foreach (var (layer, top, synthesis, scores, objective) in runUnits)
        {
            var maps = runMaps[layer];
            run.AddUnits(layer, top, new Float32Array("maps", maps.Values, [mapPoints, .. scan.FeatureMaps[layer].Shape[1..]]),
                [.. Enumerable.Range(0, mapPoints)], synthesis, scores, objective);
        }
        AddLogitUnits(run, test, captured["fc2"], classes, mapPoints);
        run.Write();
        new ClassificationSection(ClassificationReport.From(test.Labels, predicted, test.ClassNames)) { Heading = "Test set, per class" }.AddTo(report);

        MetricsFile.Write(output.File("metrics.json"), new
        {
            dataset = "fashion-mnist", trainImages = train.Count, testImages = test.Count, seed = options.Seed, epochs = options.Epochs,
            batchSize = options.BatchSize, learningRate = options.LearningRate, testAccuracy = epochs[^1].TestAccuracy,
            trainingSeconds = trainingTime.TotalSeconds, scanImagesPerSecond = scan.ExamplesPerSecond, synthesisObjective = options.SynthesisObjective.ToString(), synthesisReached10xMean = reached,
            classSynthesis = classes.Select(c => new { className = c.ClassName, logitBefore = c.Image.ObjectiveBefore, logitAfter = c.Image.ObjectiveAfter, probability = c.Probability, testMeanLogit = c.TestMeanLogit }),
            history = epochs,
        });
        report.Save(output.File("report.html"));
        output.Commit();
        var tensorBoard = TensorBoardExport.RunIfAsked(options.TensorBoardDirectory, output.Target, progress, cancellationToken);
        return new CnnDemoResult(epochs, trainingTime, scan.ExamplesPerSecond, reached, output.Target) { Dynamics = dynamics, TensorBoard = tensorBoard };
    }

    private static ActivationMaximizationOptions Synthesis(LabeledImages test, CnnDemoOptions options) =>
        new() { InputShape = [1, test.Height, test.Width], Steps = options.SynthesisSteps, Seed = options.Seed, Objective = options.SynthesisObjective };

    /// <summary>An input per class logit, with the probability the model gives the class for it and, for scale, the
    /// class's mean logit on its own test images.</summary>
    private static List<SynthesizedClass> SynthesizeClasses(ModuleDifferentiableModel model, LabeledImages test, Float32Array logits,
        ActivationMaximizationOptions synthesis, IProgress<StepProgress>? progress, CancellationToken cancellationToken) =>
        Enumerable.Range(0, test.ClassNames.Count).Select(k =>
        {
            progress?.Report(new StepProgress("synthesize fc2", k + 1, test.ClassNames.Count, test.ClassNames[k]));
            var image = ActivationMaximization.Run(model, "fc2", k, synthesis, cancellationToken);
            using var scope = torch.NewDisposeScope();
            using var forward = model.Forward(new Dictionary<string, torch.Tensor> { [model.InputNames[0]] = torch.tensor(image.Pixels, [1, .. image.Shape]) },
                new ForwardRequest(["fc2"], Gradients: false));
            double probability = torch.nn.functional.softmax(forward["fc2"], 1)[0, k].item<float>();
            var own = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == k).Select(i => (double)logits.Example(i)[k]).DefaultIfEmpty(double.NaN).Average();
            return new SynthesizedClass(image, test.ClassNames[k], probability, own);
        }).ToList();

    /// <summary>The class logits as a units entry as well, so the viewer shows each class's synthesized image beside
    /// the test images that score the class highest and the objective's values. A logit sees the whole image, so
    /// each top image's patch is all of it; its "map" is the single logit.</summary>
    private static void AddLogitUnits(RunManifestWriter run, LabeledImages test, Float32Array logits, List<SynthesizedClass> classes, int mapPoints)
    {
        int count = classes.Count;
        var top = new ChannelTopActivations("fc2", count);
        top.Add(new Float32Array("fc2", logits.Values, [test.Count, count, 1]), 0);
        var images = classes.Select(c => c.Image).ToList();
        run.AddUnits("fc2", UnitTopTable.From(top, new ReceptiveField(test.Height, 1, 0), new ReceptiveField(test.Width, 1, 0)),
            new Float32Array("maps", logits.Values[..(mapPoints * count)], [mapPoints, count, 1, 1]), [.. Enumerable.Range(0, mapPoints)],
            UnitTopTable.Images(images, test.Height, test.Width), UnitTopTable.Scores(images, [.. images.Select(top.Mean)]), "class logit");
    }

    private static LabeledTensors Tensors(LabeledImages images) => LabeledTensors.FromArrays(images.Pixels, [1, images.Height, images.Width], images.Labels);

    private static double[][] Softmax(Float32Array logits) => Enumerable.Range(0, (int)logits.Count).Select(i =>
    {
        var row = logits.Example(i).ToArray();
        float max = row.Max();
        var e = row.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }).ToArray();

    private static RunManifestWriter RunWriter(StagedDirectory output, LabeledImages test, Float32Array penultimate, ReducedPoints tsne, int[] predicted, CnnDemoOptions options,
        TrainingDynamics dynamics)
    {
        var run = new RunManifestWriter(output.Path, "Fashion-MNIST CNN: the penultimate layer", "layerscope demo cnn", test.Count);
        run.AddArray("images", "test-images.npy", test.Pixels, test.Count, test.Height, test.Width);
        run.SetImageInputs("images", test.Width, test.Height);
        run.AddCategoryColumn("class", "test-labels.npy", test.Labels, test.ClassNames);
        run.AddPredictionColumns("predicted", "test-predicted.npy", "correct", "test-correct.npy", predicted, test.Labels, test.ClassNames);
        run.AddCapturedLayer(options.PenultimateLayer, options.PenultimateLayer, $"{options.PenultimateLayer}.npy", penultimate);
        run.AddArray($"{options.PenultimateLayer}-tsne", $"{options.PenultimateLayer}-tsne.npy", tsne.Positions.Values, tsne.Positions.Rows, tsne.Positions.Columns);
        run.AddEmbedding(options.PenultimateLayer, RunEmbedding.TsneMethod, $"{options.PenultimateLayer}-tsne", parameters: tsne.Parameters);
        run.AddDynamics(dynamics);
        return run;
    }
}
