using System.Diagnostics;
using System.Globalization;
using LayerScope.Arrays;
using LayerScope.Attribution;
using LayerScope.Data;
using LayerScope.Data.Images;
using LayerScope.Data.Loaders;
using LayerScope.Models.Zoo;
using LayerScope.Training;
using LayerScope.Units;
using TorchSharp;

namespace LayerScope.Benchmarks;

/// <summary>
/// The CNN demo's unit figures on the full data (<c>-- units [weights.bin [train-images epochs test-images]]</c>): trains <see cref="FashionCnn"/> as
/// the demo does (3 epochs, seed 42) or loads the weights from the given file (and saves them there after training),
/// then times the unit scan (capture + top-9 of relu1 and relu2) over the 10,000 test images and synthesizes an input
/// for every channel of relu1, relu2 and every logit of fc2, printing the share that reaches 10× the channel's mean
/// over the test images and, for relu1, the bound no input in [0, 1] can beat.
/// </summary>
public static class UnitsProbe
{
    public static int Run(string[] args)
    {
        string? weights = args.Length > 0 ? args[0] : null;
        int trainLimit = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : int.MaxValue;
        int epochCount = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        int testLimit = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : int.MaxValue;
        var folder = Environment.GetEnvironmentVariable("LAYERSCOPE_DATA") is { Length: > 0 } env ? env : Path.GetFullPath(Path.Combine("..", "shared", "data"));
        var data = DataDirectory.Choose(folder);
        var test = FashionMnistLoader.Load(data, FashionMnistSplit.Test).Take(testLimit);
        torch.manual_seed(42);
        using var model = new FashionCnn();
        if (weights is not null && File.Exists(weights)) model.load(weights);
        else
        {
            var train = FashionMnistLoader.Load(data, FashionMnistSplit.Train).Take(trainLimit);
            var clock = Stopwatch.StartNew();
            var epochs = Trainer.Fit(model, Tensors(train), Tensors(test), new TrainingOptions
            {
                Epochs = epochCount, BatchSize = 64, LearningRate = 1e-3, Seed = 42, Objective = ClassificationObjective.Multiclass,
            });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trained: test accuracy {epochs[^1].TestAccuracy:0.0000} in {clock.Elapsed.TotalSeconds:0} s"));
            if (weights is not null) model.save(weights);
        }
        model.eval();
        var differentiable = new ModuleDifferentiableModel(model);
        var inputs = new Float32Array("images", test.Pixels, [test.Count, 1, test.Height, test.Width]);
        var scan = UnitScan.Run(differentiable, inputs, new UnitScanOptions { Layers = ["relu1", "relu2"] });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"unit scan: {scan.Examples} images in {scan.Elapsed.TotalSeconds:0.0} s, {scan.ExamplesPerSecond:0} images/s"));
        var synthesis = new ActivationMaximizationOptions { InputShape = [1, test.Height, test.Width], Seed = 42 };
        if (Environment.GetEnvironmentVariable("LAYERSCOPE_SWEEP_CHANNELS") is { Length: > 0 } sweep)
        {
            // A quick comparison of settings on the first channels of each layer (for tuning the defaults).
            int channels = int.Parse(sweep, CultureInfo.InvariantCulture);
            var variants = new (string Name, ActivationMaximizationOptions Options)[]
            {
                ("light", synthesis with { NormClipFraction = 0.02, ContributionClipFraction = 0.02, FinalUnregularizedFraction = 0.25, FrequencyDecay = 0.5, LearningRate = 0.1 }),
                ("light-shift", synthesis with { NormClipFraction = 0.02, ContributionClipFraction = 0.02, FinalUnregularizedFraction = 0.25, FrequencyDecay = 0.5, LearningRate = 0.1,
                    Transformations = new TransformationRobustness { Jitter = 1, Scale = 0, RotationDegrees = 0 } }),
                ("none", synthesis with { RegularizeEvery = 0, L2Decay = 0, Transformations = TransformationRobustness.None, Decorrelated = false, LearningRate = 0.1 }),
            };
            foreach (var layer in new[] { "relu2" })
            {
                var mean = scan.Layers[layer].MeanActivation();
                foreach (var (name, variant) in variants)
                {
                    var ratios = Enumerable.Range(0, channels).Select(c => ActivationMaximization.Run(differentiable, layer, c, variant).ObjectiveAfter / mean[c]).ToArray();
                    Console.WriteLine($"{layer} {name}: " + string.Join(" ", ratios.Select(r => r.ToString("0.0", CultureInfo.InvariantCulture))));
                }
            }
            return 0;
        }
        foreach (var layer in new[] { "relu1", "relu2" })
        {
            var mean = scan.Layers[layer].MeanActivation();
            var clock = Stopwatch.StartNew();
            var ratios = Enumerable.Range(0, mean.Length).Select(c => ActivationMaximization.Run(differentiable, layer, c, synthesis).ObjectiveAfter / mean[c]).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{layer}: {ratios.Count(r => r >= 10)}/{ratios.Length} channels reach 10x their mean; median ratio {Median(ratios):0.0}, min {ratios.Min():0.0}, max {ratios.Max():0.0}; {clock.Elapsed.TotalSeconds:0.0} s"));
            if (layer == "relu1")
            {
                // A channel of the first conv after ReLU is at most relu(b + Σ max(w, 0)) at any position for inputs in [0, 1].
                var w = model.parameters().First().detach().reshape(mean.Length, -1);
                var b = model.parameters().Skip(1).First().detach();
                var bound = (b + w.clamp_min(0).sum(1)).clamp_min(0).data<float>().ToArray();
                var possible = bound.Select((v, c) => v / mean[c]).ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"relu1 bound: {possible.Count(r => r >= 10)}/{possible.Length} channels can reach 10x at all; median possible {Median(possible):0.0}"));
                Console.WriteLine("  ratio/possible: " + string.Join(" ", ratios.Select((r, c) => string.Create(CultureInfo.InvariantCulture, $"{r:0.0}/{possible[c]:0.0}"))));
            }
        }
        using (var batch = torch.tensor(test.Pixels, [test.Count, 1, test.Height, test.Width]))
        using (var logits = model.call(batch).detach())
        {
            var classMean = Enumerable.Range(0, 10).Select(k =>
            {
                var rows = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == k).Select(i => (long)i).ToArray();
                using var index = torch.tensor(rows);
                return logits.index_select(0, index)[.., k].mean().item<float>();
            }).ToArray();
            var lines = Enumerable.Range(0, 10).Select(k =>
            {
                var r = ActivationMaximization.Run(differentiable, "fc2", k, synthesis);
                return string.Create(CultureInfo.InvariantCulture, $"{k}: {r.ObjectiveBefore:0.0}->{r.ObjectiveAfter:0.0} (test images of the class {classMean[k]:0.0})");
            });
            Console.WriteLine("fc2 logits: " + string.Join("; ", lines));
        }
        return 0;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }

    private static LabeledTensors Tensors(LabeledImages images) => LabeledTensors.FromArrays(images.Pixels, [1, images.Height, images.Width], images.Labels);
}
