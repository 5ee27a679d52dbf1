namespace LayerScope.Onnx.Torch;

/// <summary>How an ONNX model is built on TorchSharp.</summary>
public sealed record OnnxTorchOptions
{
    /// <summary>Compute in float64: weights, floating-point inputs and every float tensor (Cast to float32 included)
    /// become double. Meant for checks against finite differences; float32 (the default) is what the model was
    /// exported in and what ONNX Runtime computes.</summary>
    public bool DoublePrecision { get; init; }

    /// <summary>How many threads a forward pass without autograd may use, each running a chunk of the batch's rows
    /// with one libtorch thread (a pass with autograd runs whole); 1 (the default) runs every pass as libtorch is set
    /// (<c>torch.set_num_threads</c>). libtorch splits each operator across its threads and waits for all of them
    /// after it; chunks wait only at the end. Which wins depends on the machine's load: on this project's 2-core
    /// machine under heavy load the chunks did, while quiet, two chunks of the ResNet-style CNN fixture at batch 256
    /// took 9.0 ms against 6.1 ms whole on two libtorch threads, so chunking is opt-in. A pass that takes less than a
    /// few milliseconds on one thread runs on one; a graph whose rows meet (a mean over the batch, a Softmax along
    /// it) and a batch of fewer than 32 rows run whole on libtorch's threads.</summary>
    public int BatchThreads { get; init; } = 1;

    /// <summary>On Linux with glibc, loading a model with this on (the default) makes malloc keep the memory libtorch
    /// frees, for the rest of the process: blocks up to 32 MiB come from the heap instead of fresh mappings, and up to
    /// 256 MiB of free heap is kept rather than given back. Every pass then reuses its buffers instead of
    /// page-faulting new ones (about an eighth of the CNN fixture's node time at batch 256, one thread). The cost is a process that
    /// holds on to that much freed memory; off leaves malloc as it is. Nothing changes on other platforms.</summary>
    public bool KeepFreedMemory { get; init; } = true;

    /// <summary>A pass (with autograd or without) that takes less than this on one thread runs on one (the first
    /// pass, not yet timed, too): measured, the BiLSTM fixture's 1.7 ms at batch 256 is slower on two libtorch threads (3.0 ms)
    /// and no faster in two chunks, while the CNN's 7.4 ms is faster in two chunks. 0 turns this off (tests).</summary>
    internal double OneThreadBelowSeconds { get; init; } = 3e-3;

    /// <summary>A pass without autograd lets elementwise nodes (Relu, Add, the Gelu chain, ...) write their result into
    /// an input that nobody reads after them (<see cref="OnnxNodeContext.MayOverwrite"/>); false allocates a new
    /// tensor for every node (bench comparisons).</summary>
    internal bool InPlace { get; init; } = true;

    /// <summary>How a bidirectional LSTM or GRU on libtorch's kernel runs its two directions when the caller's libtorch
    /// thread count is 2 or more (bench comparisons and tests).</summary>
    internal RecurrentDirections RecurrentDirections { get; init; } = RecurrentDirections.Offered;
}

/// <summary>How the two directions of a bidirectional recurrent node share threads.</summary>
internal enum RecurrentDirections
{
    /// <summary>Both in one libtorch module, on the calling thread.</summary>
    OneModule,

    /// <summary>For a direction with enough work to pay for a second thread (about 2 ms of one core's): the forward
    /// direction on the calling thread, the reverse one offered to a pool thread, which the caller runs itself when the
    /// pool thread has not started by then. A smaller layer runs in one module.</summary>
    Offered,

    /// <summary>The reverse direction always on the pool thread (tests: this path runs whatever the machine's load).</summary>
    PoolThread,
}
