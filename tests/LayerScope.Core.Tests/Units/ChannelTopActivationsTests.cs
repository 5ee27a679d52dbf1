using LayerScope.Attribution;
using LayerScope.Arrays;
using LayerScope.Capture;
using LayerScope.Units;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Units;

public class ChannelTopActivationsTests
{
    [Fact]
    public void Folding_batches_gives_the_brute_force_top_9_and_mean_of_every_channel()
    {
        const int n = 50, c = 4, h = 3, w = 5;
        var random = new Random(5);
        // Values rounded to tenths, so ties between examples occur and the tie rule is exercised.
        var values = Enumerable.Range(0, n * c * h * w).Select(_ => MathF.Round((float)random.NextDouble() * 3, 1)).ToArray();
        var top = new ChannelTopActivations("conv", c);
        for (int start = 0; start < n; start += 7)
        {
            int length = Math.Min(7, n - start);
            top.Add(new Float32Array("conv", values[(start * c * h * w)..((start + length) * c * h * w)], [length, c, h, w]), start);
        }

        for (int channel = 0; channel < c; channel++)
        {
            var brute = Enumerable.Range(0, n).Select(e =>
            {
                var map = values.AsSpan((e * c + channel) * h * w, h * w).ToArray();
                int at = Array.IndexOf(map, map.Max());
                return new UnitHit(e, map[at], at / w, at % w);
            }).OrderByDescending(hit => hit.Activation).ThenBy(hit => hit.Example).Take(9).ToList();
            Assert.Equal(brute, top.Top(channel));
            var mean = Enumerable.Range(0, n).Average(e => values.AsSpan((e * c + channel) * h * w, h * w).ToArray().Average(v => (double)v));
            Assert.Equal(mean, top.MeanActivation()[channel], 1e-9);
            Assert.Equal(mean, top.Mean(channel), 1e-9);
            // Each neuron's own mean: the same position averaged over the examples (a synthesis's reference).
            for (int row = 0; row < h; row++)
                for (int column = 0; column < w; column++)
                {
                    double own = Enumerable.Range(0, n).Average(e => (double)values[((e * c + channel) * h + row) * w + column]);
                    Assert.Equal(own, top.Mean(channel, new UnitPosition(row, column)), 1e-9);
                }
        }
        Assert.Equal(n, top.Examples);
        Assert.Throws<ArgumentOutOfRangeException>(() => top.Mean(0, new UnitPosition(h, 0)));
    }

    [Fact]
    public void A_scan_keeps_feature_maps_equal_to_the_captured_tensor_and_ranks_like_a_full_capture()
    {
        torch.manual_seed(11);
        var model = nn.Sequential(("conv", nn.Conv1d(2, 3, 3, padding: 1)), ("relu", nn.ReLU()), ("pool", nn.MaxPool1d(2)));
        var inputs = new Float32Array("x", torch.randn(37, 2, 10).data<float>().ToArray(), [37, 2, 10]);
        var full = ActivationCapture.Run(model, torch.tensor(inputs.Values, inputs.Shape), ["relu"])["relu"];

        var scan = UnitScan.Run(new ModuleDifferentiableModel(model), inputs,
            new UnitScanOptions { Layers = ["relu"], BatchSize = 8, FeatureMapExamples = [30, 2] });

        Assert.Equal([2, 3, 10], scan.FeatureMaps["relu"].Shape);
        Assert.Equal(full.Example(30).ToArray(), scan.FeatureMaps["relu"].Example(0).ToArray());
        Assert.Equal(full.Example(2).ToArray(), scan.FeatureMaps["relu"].Example(1).ToArray());
        var reference = new ChannelTopActivations("relu", 3);
        reference.Add(full, 0);
        for (int channel = 0; channel < 3; channel++) Assert.Equal(reference.Top(channel), scan.Layers["relu"].Top(channel));
        Assert.Equal(37, scan.Examples);
    }

    [Fact]
    public void A_layer_without_channels_and_positions_is_refused_with_its_shape()
    {
        var top = new ChannelTopActivations("fc", 4);

        var error = Assert.Throws<LayerScope.Errors.LayerScopeException>(() => top.Add(new Float32Array("fc", new float[8], [2, 4]), 0));

        Assert.Contains("[2, 4]", error.Message);
    }
}
