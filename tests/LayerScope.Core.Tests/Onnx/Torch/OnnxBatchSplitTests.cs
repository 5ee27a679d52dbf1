using LayerScope.Gradients;
using LayerScope.Onnx;
using LayerScope.Onnx.Torch;
using LayerScope.Storage.Npy;
using static TorchSharp.torch;

namespace LayerScope.Tests.Onnx.Torch;

/// <summary>A batch cut into chunks that run on separate threads (<see cref="OnnxTorchOptions.BatchThreads"/>) gives
/// what the whole batch gives, and a graph whose rows meet is never cut.</summary>
public sealed class OnnxBatchSplitTests : IDisposable
{
    private const int Rows = 40; // two chunks of 21 and 19 rows

    // Chunks run only when the calling thread has two libtorch threads. Other tests running at the same time set
    // libtorch's thread count (to 1 for one-thread passes, restored after), and a thread's first call into libtorch
    // takes whatever count is set at that moment, so each test here sets two on its own thread and puts back what it found.
    private readonly int _threadsBefore = TorchSharp.torch.get_num_threads();

    public OnnxBatchSplitTests() => TorchSharp.torch.set_num_threads(2);

    public void Dispose() => TorchSharp.torch.set_num_threads(_threadsBefore);

    private static readonly OnnxTorchOptions Split = new() { BatchThreads = 2, OneThreadBelowSeconds = 0 };
    private static readonly OnnxTorchOptions Whole = new() { BatchThreads = 1 };

    [Theory]
    [InlineData("resnet_cnn.onnx", true)]
    [InlineData("text_bilstm.onnx", true)]
    [InlineData("text_gru.onnx", true)]
    [InlineData("conv1d.onnx", true)]
    [InlineData("ops_mix.onnx", true)]
    [InlineData("ops_mix_opset9.onnx", true)]
    [InlineData("text_mask_opset9.onnx", true)]
    [InlineData("lstm_peepholes.onnx", true)]
    [InlineData("gelu_opset20.onnx", true)]
    [InlineData("conv_auto_pad.onnx", true)]
    public void Every_tensor_of_a_batch_run_in_chunks_equals_the_whole_batchs(string model, bool splits)
    {
        var fixture = TorchFixture.Find(model);
        using var input = DistinctRows(NpyReader.Read(TorchFixture.PathOf(fixture.Input)));
        using var chunked = OnnxTorchModel.Load(fixture.ModelPath, Split);
        using var whole = OnnxTorchModel.Load(fixture.ModelPath, Whole);
        int threads = TorchSharp.torch.get_num_threads();

        var names = chunked.Source.Graph.Nodes.SelectMany(n => n.Outputs).Where(o => o.Length > 0).Distinct().ToList();
        using var expected = whole.Forward(input, new ForwardRequest(names, Gradients: false));
        // What a user captures: activations (shape values computed from the batch size would make the pass run whole).
        var activations = names.Where(n => expected[n].is_floating_point()).ToList();
        using var actual = chunked.Forward(input, new ForwardRequest(activations, Gradients: false));

        Assert.True((splits ? 2 : 1) == chunked.LastPassChunks, $"{chunked.LastPassChunks} chunks; refused because {chunked.BatchSplitRefusal}");
        Assert.Equal(threads, TorchSharp.torch.get_num_threads());
        foreach (var name in activations)
        {
            Assert.True(expected[name].shape.SequenceEqual(actual[name].shape), $"{name}: [{string.Join(", ", actual[name].shape)}]");
            double difference = OrtReference.RelativeDifference(OrtReference.ToDoubles(actual[name]), OrtReference.ToDoubles(expected[name]));
            Assert.True(difference <= 1e-5, $"{name} differs from the whole batch's by {difference:E2} (relative)");
        }
    }

    [Theory]
    [InlineData("rows_meet_mean.onnx", "'mean'")]                     // a mean over the batch: no axis follows the rows
    [InlineData("rows_meet_softmax.onnx", "/over_batch/Softmax")]     // normalized along the batch axis
    [InlineData("rows_meet_batch_size.onnx", "/per_row/Div")]         // divided by the batch size (known at load)
    public void A_graph_whose_rows_meet_runs_whole_and_says_where(string model, string where)
    {
        var path = TorchFixture.PathOf(model);
        using var chunked = OnnxTorchModel.Load(path, Split);
        using var whole = OnnxTorchModel.Load(path, Whole);
        using var x = randn(Rows, 3, generator: new TorchSharp.torch.Generator(3));

        using var expected = whole.Forward(x, new ForwardRequest(["y"], Gradients: false));
        using var actual = chunked.Forward(x, new ForwardRequest(["y"], Gradients: false));

        Assert.Equal(1, chunked.LastPassChunks);
        Assert.Contains(where, chunked.BatchSplitRefusal, StringComparison.Ordinal);
        Assert.Equal(OrtReference.ToDoubles(expected["y"]), OrtReference.ToDoubles(actual["y"]));
        // And a second pass does not try again.
        using var again = chunked.Forward(x, new ForwardRequest(["y"], Gradients: false));
        Assert.Equal(1, chunked.LastPassChunks);
    }

    [Fact]
    public void A_pass_with_autograd_runs_whole()
    {
        var fixture = TorchFixture.Find("resnet_cnn.onnx");
        using var input = DistinctRows(NpyReader.Read(TorchFixture.PathOf(fixture.Input)));
        using var chunked = OnnxTorchModel.Load(fixture.ModelPath, Split);
        using var forward = chunked.Forward(input, ForwardRequest.Of("output"));
        Assert.Equal(1, chunked.LastPassChunks);
        Assert.True(forward["output"].requires_grad);
    }

    /// <summary><see cref="Rows"/> rows made from the fixture's: float inputs with noise, so no two rows are alike;
    /// token ids shuffled among the fixture's own ids.</summary>
    private static Tensor DistinctRows(NpyArray fixture)
    {
        var rows = OrtReference.Rows(fixture, (int)fixture.Shape[0]);
        var picks = arange(Rows).remainder(fixture.Shape[0]);
        var tiled = rows.index_select(0, picks);
        var generator = new TorchSharp.torch.Generator(11);
        if (tiled.is_floating_point()) return tiled + 0.1 * randn(tiled.shape, generator: generator);
        var flat = tiled.flatten();
        return flat.index_select(0, randperm(flat.numel(), generator: generator)).reshape(tiled.shape);
    }
}
