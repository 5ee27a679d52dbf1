using LayerScope.Gradients;
using LayerScope.Onnx.Torch;
using LayerScope.Storage.Npy;
using static TorchSharp.torch;

namespace LayerScope.Tests.Onnx.Torch;

/// <summary>A bidirectional LSTM or GRU whose two directions run at once, one per thread
/// (<see cref="OnnxTorchOptions.RecurrentDirections"/>), gives what one module running both gives: every output
/// of the node, with and without initial states, and the input gradient. The reverse direction is made to run on the
/// pool thread (by default the caller takes it back when the pool thread is late, as on a loaded machine).</summary>
public sealed class OnnxRecurrentDirectionsTests : IDisposable
{
    // The directions run at once only when the caller has two libtorch threads; a concurrent test may leave this
    // thread with one (see OnnxBatchSplitTests), so each test sets two and puts back what it found.
    private readonly int _threadsBefore = get_num_threads();

    public OnnxRecurrentDirectionsTests() => set_num_threads(2);

    public void Dispose() => set_num_threads(_threadsBefore);

    private static readonly OnnxTorchOptions OneModule = new() { RecurrentDirections = RecurrentDirections.OneModule };
    // Without the short-pass rule: its first passes measure one thread and keep every node on it.
    private static readonly OnnxTorchOptions PoolThread = new() { RecurrentDirections = RecurrentDirections.PoolThread, OneThreadBelowSeconds = 0 };

    [Theory]
    [InlineData("text_bilstm.onnx")]   // two stacked layers, zero initial states from ConstantOfShape
    [InlineData("text_gru.onnx")]
    [InlineData("lstm_time_major.onnx")] // no initial states, bias, hand-made graph
    public void Directions_at_once_give_every_output_of_one_module(string model)
    {
        var fixture = TorchFixture.Find(model);
        using var input = OrtReference.Rows(NpyReader.Read(TorchFixture.PathOf(fixture.Input)), 7);
        using var atOnce = OnnxTorchModel.Load(fixture.ModelPath, PoolThread);
        using var oneModule = OnnxTorchModel.Load(fixture.ModelPath, OneModule);
        var recurrentOutputs = RecurrentOutputs(atOnce);

        using var expected = oneModule.Forward(input, new ForwardRequest(recurrentOutputs, Gradients: false));
        using var actual = atOnce.Forward(input, new ForwardRequest(recurrentOutputs, Gradients: false));

        Assert.True(atOnce.RecurrentRunsWithDirectionsAtOnce > 0, "no node ran its directions at once");
        Assert.Equal(0, oneModule.RecurrentRunsWithDirectionsAtOnce);
        AssertSame(recurrentOutputs, expected, actual, 1e-6);
    }

    [Fact]
    public void Initial_states_reach_the_direction_they_belong_to()
    {
        // The BiLSTM's initial h and c come from one ConstantOfShape; replaced by random values, a state handed to
        // the wrong direction (or one direction's state to both) changes every output.
        var fixture = TorchFixture.Find("text_bilstm.onnx");
        using var input = OrtReference.Rows(NpyReader.Read(TorchFixture.PathOf(fixture.Input)), 7);
        using var atOnce = OnnxTorchModel.Load(fixture.ModelPath, PoolThread);
        using var oneModule = OnnxTorchModel.Load(fixture.ModelPath, OneModule);
        var zeros = atOnce.Source.Graph.Nodes.Single(n => n.OpType == "ConstantOfShape").Outputs[0];
        using var shape = oneModule.Forward(input, new ForwardRequest([zeros], Gradients: false));
        using var states = randn(shape[zeros].shape, generator: new TorchSharp.torch.Generator(3));
        var overrides = new Dictionary<string, Tensor> { [zeros] = states };
        var recurrentOutputs = RecurrentOutputs(atOnce);

        using var expected = oneModule.Forward(input, new ForwardRequest(recurrentOutputs, Gradients: false, Overrides: overrides));
        using var actual = atOnce.Forward(input, new ForwardRequest(recurrentOutputs, Gradients: false, Overrides: overrides));
        using var withoutStates = oneModule.Forward(input, new ForwardRequest(recurrentOutputs, Gradients: false));

        Assert.True(atOnce.RecurrentRunsWithDirectionsAtOnce > 0, "no node ran its directions at once");
        AssertSame(recurrentOutputs, expected, actual, 1e-6);
        var output = recurrentOutputs[0];
        Assert.True(OrtReference.RelativeDifference(OrtReference.ToDoubles(withoutStates[output]), OrtReference.ToDoubles(expected[output])) > 1e-3,
            "the initial states changed nothing, so this test checks nothing");
    }

    [Theory]
    [InlineData("text_bilstm.onnx")]
    [InlineData("lstm_time_major.onnx")]
    public void Directions_at_once_give_one_modules_input_gradient(string model)
    {
        var fixture = TorchFixture.Find(model);
        var rows = NpyReader.Read(TorchFixture.PathOf(fixture.Input));
        using var atOnce = OnnxTorchModel.Load(fixture.ModelPath, PoolThread with { DoublePrecision = true });
        using var oneModule = OnnxTorchModel.Load(fixture.ModelPath, OneModule with { DoublePrecision = true });
        var inputs = new Dictionary<string, Tensor> { [atOnce.InputNames[0]] = OrtReference.Rows(rows, 7) };

        using var expected = oneModule.InputGradient(inputs, "output", GradientSelector.Unit(0), fixture.Wrt);
        using var actual = atOnce.InputGradient(inputs, "output", GradientSelector.Unit(0), fixture.Wrt);

        Assert.True(atOnce.RecurrentRunsWithDirectionsAtOnce > 0, "no node ran its directions at once");
        Assert.Equal(expected.shape, actual.shape);
        double difference = OrtReference.RelativeDifference(OrtReference.ToDoubles(actual), OrtReference.ToDoubles(expected));
        Assert.True(difference < 1e-12, $"the gradient differs from one module's by {difference:E2} (relative)");
        inputs.Values.Single().Dispose();
    }

    [Fact]
    public void The_passes_that_time_one_thread_keep_both_directions_on_it()
    {
        // The short-pass rule times its first passes on one thread to decide whether a model is worth two; a direction
        // on a second thread would make those timings measure the machine's scheduling instead of the work.
        var fixture = TorchFixture.Find("text_bilstm.onnx");
        using var input = OrtReference.Rows(NpyReader.Read(TorchFixture.PathOf(fixture.Input)), 7);
        using var model = OnnxTorchModel.Load(fixture.ModelPath, new OnnxTorchOptions { RecurrentDirections = RecurrentDirections.PoolThread });
        var runs = new List<long>();
        for (int pass = 0; pass < 4; pass++)
        {
            using (model.Forward(input, new ForwardRequest(["output"], Gradients: false))) { }
            runs.Add(model.RecurrentRunsWithDirectionsAtOnce);
        }
        // Three timed passes with none at once; the fourth, known to be short, runs on one libtorch thread with its
        // two bidirectional layers' directions at once.
        Assert.Equal(new long[] { 0, 0, 0, 2 }, runs);
        Assert.Equal(2, get_num_threads());
    }

    private static List<string> RecurrentOutputs(OnnxTorchModel model) =>
        model.Source.Graph.Nodes.Where(n => n.OpType is "LSTM" or "GRU").SelectMany(n => n.Outputs).Where(o => o.Length > 0).ToList();

    private static void AssertSame(List<string> names, DifferentiableForward expected, DifferentiableForward actual, double tolerance)
    {
        foreach (var name in names)
        {
            Assert.True(expected[name].shape.SequenceEqual(actual[name].shape), $"{name}: [{string.Join(", ", actual[name].shape)}]");
            double difference = OrtReference.RelativeDifference(OrtReference.ToDoubles(actual[name]), OrtReference.ToDoubles(expected[name]));
            Assert.True(difference <= tolerance, $"{name} differs from one module's by {difference:E2} (relative)");
        }
    }
}
