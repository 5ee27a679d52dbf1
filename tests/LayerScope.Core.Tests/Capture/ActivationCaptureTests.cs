using LayerScope.Arrays;
using LayerScope.Capture;
using LayerScope.Models;
using LayerScope.Models.Zoo;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Capture;

public class ActivationCaptureTests
{
    private static (BanknoteMlp Model, Tensor Inputs) DeepMlpAndInputs()
    {
        torch.manual_seed(7);
        var model = new BanknoteMlp([3, 2]);
        return (model, torch.randn(10, 4));
    }

    [Fact]
    public void Captured_values_equal_a_manual_forward_pass_for_every_requested_layer()
    {
        var (model, inputs) = DeepMlpAndInputs();
        var named = LayerSelector.NamedLayers(model).ToDictionary(p => p.Name, p => p.Module);

        // A batch size that does not divide the 10 examples.
        var captured = ActivationCapture.Run(model, inputs, ["fc1", "relu2", "sigmoid"], new CaptureOptions { BatchSize = 3 });

        using var _ = torch.no_grad();
        var fc1 = ((nn.Module<Tensor, Tensor>)named["fc1"]).forward(inputs);
        var relu2 = torch.nn.functional.relu(((nn.Module<Tensor, Tensor>)named["fc2"]).forward(torch.nn.functional.relu(fc1)));
        var output = model.forward(inputs);
        AssertClose(fc1, captured["fc1"]);
        AssertClose(relu2, captured["relu2"]);
        AssertClose(output, captured["sigmoid"]);
        Assert.Equal(new long[] { 10, 2 }, captured["relu2"].Shape);
    }

    [Fact]
    public void Stopping_early_skips_the_layers_after_the_last_requested_one_and_gives_the_same_values()
    {
        var (model, inputs) = DeepMlpAndInputs();
        // Count how often the layers behind relu1 run: the point of stopping early is that they do not.
        var named = LayerSelector.NamedLayers(model).ToDictionary(p => p.Name, p => p.Module);
        int laterCalls = 0;
        var hooks = new[] { "fc2", "sigmoid" }.Select(name => ((nn.Module<Tensor, Tensor>)named[name])
            .register_forward_hook((_, _, output) => { laterCalls++; return output; })).ToList();
        try
        {
            var early = ActivationCapture.Run(model, inputs, ["relu1"], new CaptureOptions { StopEarly = true, BatchSize = 4 });
            Assert.Equal(0, laterCalls);
            var full = ActivationCapture.Run(model, inputs, ["relu1"], new CaptureOptions { StopEarly = false, BatchSize = 4 });
            Assert.Equal(2 * 3, laterCalls); // both layers, in each of the 3 batches
            Assert.Equal(full["relu1"].Values, early["relu1"].Values);
            Assert.Equal(new long[] { 10, 3 }, early["relu1"].Shape);
        }
        finally
        {
            foreach (var hook in hooks) hook.remove();
        }
    }

    [Fact]
    public void Every_named_layer_of_every_zoo_model_fires_its_hook()
    {
        foreach (var zoo in ModelZoo.All)
        {
            using var model = zoo.Create();
            var layers = LayerSelector.NamedLayers(model).Select(p => p.Name).ToList();
            var captured = ActivationCapture.Run(model, zoo.SampleInput(2), layers, new CaptureOptions { StopEarly = false });
            Assert.All(layers, layer => Assert.Equal(2, captured[layer].Count));
        }
    }

    [Fact]
    public void Hooks_are_removed_after_a_run_and_after_a_failing_forward_pass()
    {
        var (model, inputs) = DeepMlpAndInputs();
        var capture = ActivationCapture.Attach(model, ["fc1", "fc2"]);
        Assert.Equal(2, capture.ActiveHookCount);
        Assert.Throws<InvalidOperationException>(() => capture.Forward(() =>
        {
            model.call(inputs);
            throw new InvalidOperationException("a failing model");
        }));
        capture.Dispose();
        Assert.Equal(0, capture.ActiveHookCount);

        // No hook is left behind: a new pass records nothing into the old capture.
        using (torch.no_grad()) model.call(inputs);
        Assert.Equal(10, capture.Collect()["fc1"].Count);
    }

    [Fact]
    public void Unknown_layer_names_the_closest_valid_layers()
    {
        var (model, _) = DeepMlpAndInputs();
        var error = Assert.Throws<UnknownLayerException>(() => ActivationCapture.Attach(model, ["relu_2"]));
        Assert.Equal("relu2", error.Closest[0]);
        Assert.Contains("Did you mean 'relu2'", error.Message);
        Assert.Contains("fc1, relu1, fc2, relu2, output, sigmoid", error.Message);
    }

    [Fact]
    public void Lstm_output_sequence_is_captured_per_time_step()
    {
        torch.manual_seed(3);
        var model = nn.Sequential(("lstm", new LstmOutput(5, 7)), ("fc", nn.Linear(7, 2)));
        var inputs = torch.randn(4, 6, 5);
        var captured = ActivationCapture.Run(model, inputs, ["lstm.lstm"], new CaptureOptions { BatchSize = 3 });
        Assert.Equal(new long[] { 4, 6, 7 }, captured["lstm.lstm"].Shape);
    }

    [Fact]
    public void Capture_leaves_no_live_tensors_behind()
    {
        var (model, inputs) = DeepMlpAndInputs();
        ActivationCapture.Run(model, inputs, ["relu1"]); // warm up lazily created state
        using var scope = torch.NewDisposeScope();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        ActivationCapture.Run(model, inputs, ["relu1", "sigmoid"], new CaptureOptions { BatchSize = 4 });
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    private static void AssertClose(Tensor expected, Float32Array actual)
    {
        var values = expected.contiguous().data<float>().ToArray();
        Assert.Equal(expected.shape, actual.Shape);
        for (int i = 0; i < values.Length; i++) Assert.Equal(values[i], actual.Values[i], 5);
    }

    /// <summary>An LSTM followed by taking its output sequence, as models wrap it.</summary>
    private sealed class LstmOutput : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.LSTM lstm;

        public LstmOutput(int inputs, int hidden) : base(nameof(LstmOutput))
        {
            lstm = nn.LSTM(inputs, hidden, batchFirst: true);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => lstm.call(input).Item1;
    }
}
