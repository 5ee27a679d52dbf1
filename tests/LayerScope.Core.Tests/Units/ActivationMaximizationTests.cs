using LayerScope.Attribution;
using LayerScope.Capture;
using LayerScope.Units;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Units;

public class ActivationMaximizationTests
{
    private static nn.Module<Tensor, Tensor> SmallCnn()
    {
        torch.manual_seed(21);
        return nn.Sequential(("conv1", nn.Conv2d(1, 4, 3, padding: 1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(4, 6, 3, padding: 1)), ("relu2", nn.ReLU()));
    }

    private static readonly ActivationMaximizationOptions Options = new() { InputShape = [1, 12, 12], Steps = 32, Seed = 4 };

    [Theory]
    // Measured: in pixel space with blur and clipping every 4 steps, a weak channel of this random network loses
    // more to the clipping than 32 steps of ascent gain (0.0034 → 0.0023), so that case is checked unregularized.
    [InlineData(true, 4, SynthesisObjective.Unit)]
    [InlineData(false, 0, SynthesisObjective.Unit)]
    [InlineData(true, 4, SynthesisObjective.ChannelMean)]
    [InlineData(false, 0, SynthesisObjective.ChannelMean)]
    public void Synthesis_raises_every_live_channel_and_stays_in_the_input_range(bool decorrelated, int regularizeEvery, SynthesisObjective objective)
    {
        using var scope = torch.NewDisposeScope();
        var model = new ModuleDifferentiableModel(SmallCnn());
        var images = new LayerScope.Arrays.Float32Array("x", torch.rand(64, 1, 12, 12).data<float>().ToArray(), [64, 1, 12, 12]);
        var top = UnitScan.Run(model, images, new UnitScanOptions { Layers = ["relu2"] }).Layers["relu2"];

        var raised = Enumerable.Range(0, 6).Select(c => ActivationMaximization.Run(model, "relu2", c,
            Options with { Decorrelated = decorrelated, RegularizeEvery = regularizeEvery, Objective = objective })).ToList();

        // A random network has units that are off for every input in range (no gradient anywhere): judge the others.
        var alive = raised.Where(r => top.Mean(r) > 0).ToList();
        Assert.True(alive.Count >= 3, $"only {alive.Count} live channels");
        // The result is the best image seen, so none ends below its start; a single unit can still be lost for good
        // on the first steps (measured: the centre unit of channel 1, regularized, on for 0.03 at the start and off
        // after every step of 32), so one unit may stay at its start.
        Assert.All(alive, r => Assert.True(r.ObjectiveAfter >= r.ObjectiveBefore, $"channel {r.Channel}: {r.ObjectiveBefore} → {r.ObjectiveAfter}"));
        int raisedCount = alive.Count(r => r.ObjectiveAfter > r.ObjectiveBefore);
        Assert.True(raisedCount >= alive.Count - (objective == SynthesisObjective.Unit ? 1 : 0),
            $"{raisedCount} of {alive.Count} live channels raised: " + string.Join(", ", alive.Select(r => $"{r.ObjectiveBefore:0.000} → {r.ObjectiveAfter:0.000}")));
        Assert.All(raised, r => Assert.InRange(r.Pixels.Min(), 0f, 1f));
        Assert.All(raised, r => Assert.InRange(r.Pixels.Max(), 0f, 1f));
    }

    [Fact]
    public void Equal_seeds_give_equal_images_and_other_seeds_other_images()
    {
        using var scope = torch.NewDisposeScope();
        var model = new ModuleDifferentiableModel(SmallCnn());

        var first = ActivationMaximization.Run(model, "relu2", 2, Options);
        var again = ActivationMaximization.Run(model, "relu2", 2, Options);
        var other = ActivationMaximization.Run(model, "relu2", 2, Options with { Seed = 5 });

        Assert.Equal(first.Pixels, again.Pixels);
        Assert.Equal(first.ObjectiveAfter, again.ObjectiveAfter);
        Assert.NotEqual(first.Pixels, other.Pixels);
        var mean = ActivationMaximization.Run(model, "relu2", 2, Options with { Objective = SynthesisObjective.ChannelMean });
        Assert.Equal(mean.Pixels, ActivationMaximization.Run(model, "relu2", 2, Options with { Objective = SynthesisObjective.ChannelMean }).Pixels);
    }

    /// <summary>One linear 3×3 filter per channel, no padding, on 11×11 inputs: a 9×9 map whose centre neuron (4, 4)
    /// sees input rows and columns 4..6. For inputs in [0, 1] that neuron's optimum is known: 1 where the weight is
    /// positive, 0 where it is negative, giving b + Σ max(w, 0).</summary>
    private static (ModuleDifferentiableModel Model, float[][] Filters, float Bias) SingleFilter()
    {
        float[][] filters =
        [
            [-1, 0, 1, -1, 0, 1, -1, 0, 1],        // a vertical dark → light edge
            [-1, -1, -1, -1, 8, -1, -1, -1, -1],    // a bright dot on a dark surround
        ];
        const float bias = 0.1f; // on at mid-grey, so the ascent has a gradient from the start
        var conv = nn.Conv2d(1, 2, 3);
        using (torch.no_grad())
        {
            conv.weight!.copy_(torch.tensor(filters.SelectMany(f => f).ToArray(), [2, 1, 3, 3]));
            conv.bias!.fill_(bias);
        }
        return (new ModuleDifferentiableModel(nn.Sequential(("conv", conv), ("relu", nn.ReLU()))), filters, bias);
    }

    // Without jitter: averaged over one-pixel shifts, the dot filter (which sums to 0) responds to nothing at all, so
    // the known optimum is that of the unshifted objective only.
    private static readonly ActivationMaximizationOptions SingleFilterOptions = new()
    {
        InputShape = [1, 11, 11], Seed = 3, Steps = 64, Transformations = TransformationRobustness.None,
    };

    [Fact]
    public void The_centre_unit_of_a_single_filter_gets_the_filter_as_its_patch_and_nearly_its_optimum()
    {
        using var scope = torch.NewDisposeScope();
        var (model, filters, bias) = SingleFilter();
        torch.manual_seed(8);
        var data = new LayerScope.Arrays.Float32Array("x", torch.rand(200, 1, 11, 11).data<float>().ToArray(), [200, 1, 11, 11]);
        var top = UnitScan.Run(model, data, new UnitScanOptions { Layers = ["relu"] }).Layers["relu"];

        for (int c = 0; c < filters.Length; c++)
        {
            var raised = ActivationMaximization.Run(model, "relu", c, SingleFilterOptions);

            Assert.Equal(new UnitPosition(4, 4), raised.Position);
            Assert.Equal("unit (4, 4)", raised.ObjectiveName);
            var patch = Enumerable.Range(0, 9).Select(i => (double)raised.Pixels[(4 + i / 3) * 11 + 4 + i % 3]).ToArray();
            double correlation = Pearson(patch, filters[c].Select(v => (double)v).ToArray());
            Assert.True(correlation > 0.8, $"channel {c}: patch {string.Join(" ", patch.Select(v => v.ToString("0.00")))} correlates {correlation:0.00} with the filter");
            double optimum = bias + filters[c].Where(v => v > 0).Sum();
            Assert.True(raised.ObjectiveAfter >= 0.8 * optimum, $"channel {c}: {raised.ObjectiveAfter:0.00} of the optimum {optimum:0.00}");
            Assert.True(raised.ObjectiveAfter <= optimum + 1e-4, $"channel {c}: {raised.ObjectiveAfter} beats the optimum {optimum}, so it is not the unit's value");
            // Random images in range rarely line up with the filter: the unit's own mean at (4, 4) is far below.
            Assert.True(raised.ObjectiveAfter >= 5 * top.Mean(raised), $"channel {c}: {raised.ObjectiveAfter:0.00} against a mean of {top.Mean(raised):0.00}");
        }
    }

    [Fact]
    public void Each_objective_wins_on_its_own_measure()
    {
        using var scope = torch.NewDisposeScope();
        var (model, _, _) = SingleFilter();
        var unit = ActivationMaximization.Run(model, "relu", 0, SingleFilterOptions);
        var channel = ActivationMaximization.Run(model, "relu", 0, SingleFilterOptions with { Objective = SynthesisObjective.ChannelMean });

        var (unitMap, channelMap) = (Map(model, unit), Map(model, channel));
        // The unit's image drives its centre harder than the tiled pattern does; the tiled pattern drives the whole map harder.
        Assert.True(unitMap[4, 4] > channelMap[4, 4] + 0.2, $"centre: unit image {unitMap[4, 4]:0.00}, channel image {channelMap[4, 4]:0.00}");
        Assert.True(Mean(channelMap) > Mean(unitMap) + 0.2, $"map mean: channel image {Mean(channelMap):0.00}, unit image {Mean(unitMap):0.00}");
        Assert.Equal(unitMap[4, 4], unit.ObjectiveAfter, 1e-5);
        Assert.Equal(Mean(channelMap), channel.ObjectiveAfter, 1e-5);
        Assert.Null(channel.Position);
        Assert.Equal("channel mean", channel.ObjectiveName);
    }

    [Fact]
    public void A_chosen_position_is_the_one_raised_and_one_outside_the_map_is_refused_naming_the_setting()
    {
        using var scope = torch.NewDisposeScope();
        var (model, _, _) = SingleFilter();
        var raised = ActivationMaximization.Run(model, "relu", 1, SingleFilterOptions with { Position = new UnitPosition(1, 6) });

        Assert.Equal(new UnitPosition(1, 6), raised.Position);
        var map = Map(model, raised);
        Assert.Equal(map[1, 6], raised.ObjectiveAfter, 1e-5);
        Assert.True(map[1, 6] > 2 * Mean(map), $"(1, 6) is {map[1, 6]:0.00}, the map's mean {Mean(map):0.00}");

        var outside = Assert.ThrowsAny<LayerScope.Errors.LayerScopeException>(() =>
            ActivationMaximization.Run(model, "relu", 1, SingleFilterOptions with { Position = new UnitPosition(9, 0) }));
        Assert.Contains("ActivationMaximizationOptions.Position", outside.Message);
        var mixed = Assert.Throws<LayerScope.Errors.InvalidSettingsException>(() => ActivationMaximization.Run(model, "relu", 1,
            SingleFilterOptions with { Position = new UnitPosition(1, 1), Objective = SynthesisObjective.ChannelMean }));
        Assert.Contains("ActivationMaximizationOptions.Position", mixed.Message);
    }

    [Fact]
    public void The_unit_selector_takes_exactly_one_entry_of_maps_signals_and_logits()
    {
        using var scope = torch.NewDisposeScope();
        var maps = torch.arange(2 * 3 * 4, dtype: ScalarType.Float32).reshape(1, 2, 3, 4);
        Assert.Equal(12 + 2 * 4 + 1, new ChannelUnit(1, new UnitPosition(2, 1)).Reduce(maps).item<float>());
        var signal = torch.arange(2 * 5, dtype: ScalarType.Float32).reshape(1, 2, 5);
        Assert.Equal(5 + 3, new ChannelUnit(1, new UnitPosition(0, 3)).Reduce(signal).item<float>());
        var logits = torch.tensor(new float[] { 4, 7, 9 }, [1, 3]);
        Assert.Equal(7, new ChannelUnit(1, default).Reduce(logits).item<float>());
        Assert.ThrowsAny<LayerScope.Errors.LayerScopeException>(() => new ChannelUnit(1, new UnitPosition(1, 0)).Reduce(signal));
    }

    /// <summary>The layer's map of channel <see cref="MaximizedInput.Channel"/> for the synthesized image.</summary>
    private static double[,] Map(ModuleDifferentiableModel model, MaximizedInput image)
    {
        using var scope = torch.NewDisposeScope();
        using var forward = model.Forward(new Dictionary<string, Tensor> { [model.InputNames[0]] = torch.tensor(image.Pixels, [1, .. image.Shape]) },
            new LayerScope.Gradients.ForwardRequest(["relu"], Gradients: false));
        var map = forward["relu"][0, image.Channel];
        var values = map.contiguous().data<float>().ToArray();
        int rows = (int)map.shape[0], columns = (int)map.shape[1];
        var result = new double[rows, columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) result[r, c] = values[r * columns + c];
        return result;
    }

    private static double Mean(double[,] map) => map.Cast<double>().Average();

    private static double Pearson(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double cov = a.Zip(b).Sum(p => (p.First - ma) * (p.Second - mb));
        return cov / Math.Sqrt(a.Sum(v => (v - ma) * (v - ma)) * b.Sum(v => (v - mb) * (v - mb)));
    }

    /// <summary>A 3×3 all-ones filter with bias −8.5 after a ReLU: on only when nearly all nine pixels of its field are
    /// white (optimum 9 − 8.5 = 0.5), so off on every start of mid-grey plus noise, where the ReLU passes no gradient.</summary>
    private static ModuleDifferentiableModel LateFilter()
    {
        var conv = nn.Conv2d(1, 1, 3);
        using (torch.no_grad())
        {
            conv.weight!.fill_(1);
            conv.bias!.fill_(-8.5);
        }
        return new ModuleDifferentiableModel(nn.Sequential(("conv", conv), ("relu", nn.ReLU())));
    }

    [Theory]
    [InlineData(SynthesisObjective.Unit)]
    [InlineData(SynthesisObjective.ChannelMean)]
    public void A_unit_off_on_every_start_is_turned_on_through_its_pre_activation(SynthesisObjective objective)
    {
        using var scope = torch.NewDisposeScope();
        var model = LateFilter();
        var options = SingleFilterOptions with { Objective = objective, Transformations = new TransformationRobustness { Jitter = 1, Scale = 0, RotationDegrees = 0 } };

        var plain = ActivationMaximization.Run(model, "relu", 0, options);
        var warmed = ActivationMaximization.Run(model, "relu", 0, options with { PreActivationLayer = "conv" });

        // Without the pre-activation the ascent never moves from 0; with it the unit reaches most of its optimum 0.5 (the
        // map's mean, whose every position must turn on against blur and decay, measured 0.08 in 64 steps), and the value
        // reported is the rectified objective's, not the pre-activation's.
        Assert.Equal(0, plain.ObjectiveBefore);
        Assert.Equal(0, plain.ObjectiveAfter);
        Assert.Equal(0, warmed.ObjectiveBefore);
        Assert.InRange(warmed.ObjectiveAfter, objective == SynthesisObjective.Unit ? 0.3 : 0.05, 0.5 + 1e-4);
        var map = Map(model, warmed);
        Assert.Equal(objective == SynthesisObjective.Unit ? map[4, 4] : Mean(map), warmed.ObjectiveAfter, 1e-5);
        Assert.Equal(warmed.Pixels, ActivationMaximization.Run(model, "relu", 0, options with { PreActivationLayer = "conv" }).Pixels);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(0, 2)] // 0 leaves the caller's setting
    public void The_ascent_runs_on_the_threads_it_is_given_and_puts_the_callers_count_back(int threads, int expected)
    {
        // On two threads a 28×28 ascent took 18× the CPU time of one (OpenMP's spin-waits), for the same images.
        int before = get_num_threads();
        set_num_threads(2);
        try
        {
            using var scope = torch.NewDisposeScope();
            var seen = new List<int>();
            var model = new ThreadCountProbe(LateFilter(), seen);
            ActivationMaximization.Run(model, "relu", 0, SingleFilterOptions with { Steps = 3, Threads = threads, PreActivationLayer = "conv" });
            Assert.NotEmpty(seen);
            Assert.All(seen, count => Assert.Equal(expected, count));
            Assert.Equal(2, get_num_threads());
        }
        finally
        {
            set_num_threads(before);
        }
    }

    /// <summary>Records libtorch's thread count at every forward pass.</summary>
    private sealed class ThreadCountProbe(LayerScope.Gradients.IDifferentiableModel inner, List<int> seen) : LayerScope.Gradients.IDifferentiableModel
    {
        public IReadOnlyList<string> InputNames => inner.InputNames;

        public LayerScope.Gradients.DifferentiableForward Forward(IReadOnlyDictionary<string, Tensor> inputs, LayerScope.Gradients.ForwardRequest request)
        {
            seen.Add(get_num_threads());
            return inner.Forward(inputs, request);
        }
    }

    [Fact]
    public void A_blank_pre_activation_layer_is_refused_naming_the_setting()
    {
        var refused = Assert.Throws<LayerScope.Errors.InvalidSettingsException>(() =>
            ActivationMaximization.Run(LateFilter(), "relu", 0, SingleFilterOptions with { PreActivationLayer = " " }));
        Assert.Contains("ActivationMaximizationOptions.PreActivationLayer", refused.Message);
    }

    [Fact]
    public void A_logit_of_a_dense_layer_is_a_target_too()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        var conv = nn.Conv2d(1, 3, 3);
        using (torch.no_grad()) conv.bias!.fill_(0.2); // units on at mid-grey, so the logit has a gradient to follow
        var model = new ModuleDifferentiableModel(nn.Sequential(("conv", conv), ("relu", nn.ReLU()), ("flat", nn.Flatten()), ("fc", nn.Linear(3 * 6 * 6, 4))));

        var raised = ActivationMaximization.Run(model, "fc", 3, Options with { InputShape = [1, 8, 8] });

        Assert.True(raised.ObjectiveAfter > raised.ObjectiveBefore + 0.05, $"{raised.ObjectiveBefore} → {raised.ObjectiveAfter}");
    }
}
