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
/// for every channel of relu1 and relu2 under both objectives (the centre unit, the channel mean) and every logit of
/// fc2, printing the share that reaches 10× the mean of the same quantity over the test images (the unit's own mean
/// at its position, or the channel's mean) and, for relu1, the bound no input in [0, 1] can beat.
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
            double cpu = CpuClock.Process();
            var epochs = Trainer.Fit(model, Tensors(train), Tensors(test), new TrainingOptions
            {
                Epochs = epochCount, BatchSize = 64, LearningRate = 1e-3, Seed = 42, Objective = ClassificationObjective.Multiclass,
            });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trained: test accuracy {epochs[^1].TestAccuracy:0.0000} in {clock.Elapsed.TotalSeconds:0} s, {CpuClock.Process() - cpu:0} CPU s"));
            if (weights is not null) model.save(weights);
        }
        model.eval();
        var differentiable = new ModuleDifferentiableModel(model);
        var inputs = new Float32Array("images", test.Pixels, [test.Count, 1, test.Height, test.Width]);
        double scanCpu = CpuClock.Process();
        var scan = UnitScan.Run(differentiable, inputs, new UnitScanOptions { Layers = ["relu1", "relu2"] });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"unit scan: {scan.Examples} images in {scan.Elapsed.TotalSeconds:0.0} s, {scan.ExamplesPerSecond:0} images/s; {CpuClock.Process() - scanCpu:0.0} CPU s"));
        // LAYERSCOPE_UNITS_STEPS and LAYERSCOPE_UNITS_CHANNELS (the first N channels of each layer) shorten a run on a busy machine.
        var synthesis = new ActivationMaximizationOptions { InputShape = [1, test.Height, test.Width], Seed = 42 };
        if (int.TryParse(Environment.GetEnvironmentVariable("LAYERSCOPE_UNITS_STEPS"), CultureInfo.InvariantCulture, out var steps)) synthesis = synthesis with { Steps = steps };
        int? channelLimit = int.TryParse(Environment.GetEnvironmentVariable("LAYERSCOPE_UNITS_CHANNELS"), CultureInfo.InvariantCulture, out var limit) ? limit : null;
        bool preActivation = Environment.GetEnvironmentVariable("LAYERSCOPE_UNITS_PRE_ACTIVATION") != "0";
        var only = Environment.GetEnvironmentVariable("LAYERSCOPE_UNITS_ONLY"); // e.g. "relu1:Unit,fc2"
        bool Wanted(string what) => only is not { Length: > 0 } || only.Split(',').Contains(what);
        Console.WriteLine($"synthesis: {synthesis.Steps} steps, pre-activation {(preActivation ? "on" : "off")}, channels {(channelLimit?.ToString(CultureInfo.InvariantCulture) ?? "all")}");
        var objectives = new[] { SynthesisObjective.Unit, SynthesisObjective.ChannelMean };
        if (Environment.GetEnvironmentVariable("LAYERSCOPE_SWEEP_CHANNELS") is { Length: > 0 } sweep)
        {
            // A quick comparison of settings on the first channels of each layer, unit objective (for tuning the defaults).
            int channels = int.Parse(sweep, CultureInfo.InvariantCulture);
            var variants = new (string Name, ActivationMaximizationOptions Options)[]
            {
                ("default", synthesis),
                ("no-clip", synthesis with { NormClipFraction = 0, ContributionClipFraction = 0 }),
                ("no-blur", synthesis with { BlurSigma = 0 }),
                ("no-decay", synthesis with { L2Decay = 0 }),
                ("none", synthesis with { RegularizeEvery = 0, L2Decay = 0, Transformations = TransformationRobustness.None, Decorrelated = false }),
            };
            foreach (var layer in new[] { "relu1", "relu2" })
            {
                var top = scan.Layers[layer];
                foreach (var (name, variant) in variants)
                {
                    var ratios = Enumerable.Range(0, channels).Select(c => Ratio(top, ActivationMaximization.Run(differentiable, layer, c, variant))).ToArray();
                    Console.WriteLine($"{layer} {name}: {ratios.Count(r => r >= 10)}/{channels} reach 10x; " + string.Join(" ", ratios.Select(r => r.ToString("0.0", CultureInfo.InvariantCulture))));
                }
            }
            return 0;
        }
        foreach (var layer in new[] { "relu1", "relu2" })
        {
            var top = scan.Layers[layer];
            foreach (var objective in objectives)
            {
                if (!Wanted($"{layer}:{objective}")) continue;
                var clock = Stopwatch.StartNew();
                double cpu = CpuClock.Process();
                var settings = synthesis with { Objective = objective, PreActivationLayer = preActivation ? FashionCnn.PreActivationOf(layer) : null };
                var images = Enumerable.Range(0, Math.Min(channelLimit ?? top.Channels, top.Channels)).Select(c => ActivationMaximization.Run(differentiable, layer, c, settings)).ToList();
                cpu = CpuClock.Process() - cpu;
                var ratios = images.Select(i => Ratio(top, i)).ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{layer} {objective} ({images[0].ObjectiveName}): {ratios.Count(r => r >= 10)}/{ratios.Length} channels reach 10x their mean; median ratio {Median(ratios):0.0}, "
                    + $"min {ratios.Min():0.0}, max {ratios.Max():0.0}; median after {Median([.. images.Select(i => i.ObjectiveAfter)]):0.00} vs mean {Median([.. images.Select(top.Mean)]):0.000}; "
                    + $"{clock.Elapsed.TotalSeconds:0.0} s ({clock.Elapsed.TotalSeconds / images.Count:0.00} s/image), {cpu:0.0} CPU s ({cpu / images.Count:0.00} per image); "
                    + $"{images.Count(i => i.ObjectiveAfter <= 0)} left at 0"));
                if (layer != "relu1") Console.WriteLine("  ratios: " + string.Join(" ", ratios.Select(r => r.ToString("0.0", CultureInfo.InvariantCulture))));
                if (layer == "relu1")
                {
                    // A neuron of the first conv after ReLU is at most relu(b + Σ max(w, 0)) for inputs in [0, 1] (at an
                    // interior position; the channel mean is bounded by the same).
                    var w = model.parameters().First().detach().reshape(top.Channels, -1);
                    var b = model.parameters().Skip(1).First().detach();
                    var bound = (b + w.clamp_min(0).sum(1)).clamp_min(0).data<float>().ToArray();
                    var possible = images.Select(i => bound[i.Channel] / top.Mean(i)).ToArray();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  bound: {possible.Count(r => r >= 10)}/{possible.Length} channels can reach 10x at all; median possible {Median(possible):0.0}; "
                        + $"reached/bound median {Median([.. images.Select(i => i.ObjectiveAfter / bound[i.Channel])]):0.00}"));
                    Console.WriteLine("  ratio/possible: " + string.Join(" ", ratios.Select((r, c) => string.Create(CultureInfo.InvariantCulture, $"{r:0.0}/{possible[c]:0.0}"))));
                }
            }
        }
        if (Wanted("repeat"))
        {
            var relu2 = synthesis with { PreActivationLayer = preActivation ? FashionCnn.PreActivationOf("relu2") : null };
            var first = ActivationMaximization.Run(differentiable, "relu2", 3, relu2);
            var again = ActivationMaximization.Run(differentiable, "relu2", 3, relu2);
            Console.WriteLine($"repeatable (relu2 c3, seed 42, twice): {first.Pixels.SequenceEqual(again.Pixels) && first.ObjectiveAfter == again.ObjectiveAfter}");
        }
        if (!Wanted("fc2")) return 0;
        using (var batch = torch.tensor(test.Pixels, [test.Count, 1, test.Height, test.Width]))
        using (var logits = model.call(batch).detach())
        {
            // On a [1, K] layer both objectives are the logit itself; its mean over all test images can be near zero or
            // negative, so the class's own images are given too.
            var allMean = Enumerable.Range(0, 10).Select(k => logits[.., k].mean().item<float>()).ToArray();
            var classMean = Enumerable.Range(0, 10).Select(k =>
            {
                var rows = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == k).Select(i => (long)i).ToArray();
                using var index = torch.tensor(rows);
                return logits.index_select(0, index)[.., k].mean().item<float>();
            }).ToArray();
            double cpu = CpuClock.Process();
            var results = Enumerable.Range(0, 10).Select(k => ActivationMaximization.Run(differentiable, "fc2", k, synthesis)).ToList();
            cpu = CpuClock.Process() - cpu;
            int overAll = results.Count(r => allMean[r.Channel] > 0 && r.ObjectiveAfter >= 10 * allMean[r.Channel]);
            int aboveAllByTen = results.Count(r => r.ObjectiveAfter - allMean[r.Channel] >= 10 * Math.Abs(allMean[r.Channel]));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fc2 logits: {overAll}/10 reach 10x a positive mean over all test images; {aboveAllByTen}/10 exceed that mean by 10x its magnitude; "
                + $"{results.Count(r => r.ObjectiveAfter >= classMean[r.Channel])}/10 beat the mean on the class's own images; "
                + $"{results.Count(r => r.ObjectiveAfter >= 10 * classMean[r.Channel])}/10 reach 10x it; median after/class mean "
                + $"{Median([.. results.Select(r => r.ObjectiveAfter / classMean[r.Channel])]):0.0}; {cpu:0.0} CPU s"));
            Console.WriteLine("  " + string.Join("; ", results.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"{r.Channel}: {r.ObjectiveBefore:0.0}->{r.ObjectiveAfter:0.0} (all {allMean[r.Channel]:0.0}, class {classMean[r.Channel]:0.0})"))));
        }
        return 0;
    }

    /// <summary>The objective after synthesis over its mean over the test images (NaN when that mean is not positive).</summary>
    private static double Ratio(ChannelTopActivations top, MaximizedInput image) =>
        top.Mean(image) is var mean and > 0 ? image.ObjectiveAfter / mean : double.NaN;

    private static double Median(double[] values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }

    private static LabeledTensors Tensors(LabeledImages images) => LabeledTensors.FromArrays(images.Pixels, [1, images.Height, images.Width], images.Labels);
}
