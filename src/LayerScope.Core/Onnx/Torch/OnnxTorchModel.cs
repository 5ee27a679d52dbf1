using LayerScope.Gradients;
using LayerScope.Onnx.Proto;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Onnx.Torch;

/// <summary>
/// An ONNX model rebuilt as a differentiable TorchSharp computation: each node runs as the equivalent libtorch
/// operation, initializers are frozen tensors, and a forward pass records autograd, so gradients of any tensor with
/// respect to the input (or an intermediate such as an embedding lookup) can be taken. Tensors are named as
/// `layers` and `capture` name them: a tensor name, a node name (its first output) or a module scope.
/// </summary>
public sealed class OnnxTorchModel : IDifferentiableModel, IDisposable
{
    private readonly OnnxTorchPlan _plan;
    private readonly Dictionary<string, Tensor> _initializers;
    private readonly long _opset;
    private readonly HashSet<string> _graphOutputs;
    private readonly OnnxTorchOptions _options;
    private readonly OnnxBatchSplit _split;
    // Set when chunks of a batch once failed or did not join (the graph's rows meet); the batch then always runs whole.
    private volatile string? _splitRefusal;
    // The fastest pass seen on one libtorch thread, per row (NaN until one has run): decides whether a batch is worth
    // more than one thread.
    private double _secondsPerRow = double.NaN;
    private long _passes;
    // Passes that run on one thread to measure it before any runs on more, and how often one is measured again after.
    private const int OneThreadProbes = 3, ReprobeEvery = 32;
    private OnnxNodeCache[] _caches = [];
    // Tensors the model owns, which every pass shares and none disposes or writes into: initializers and the outputs
    // kept from static steps (OnnxStaticValue).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Tensor, byte> _shared = new(ReferenceEqualityComparer.Instance);
    // Per step: the outputs kept for each input-shape key ("" for values that are always the same); null for steps
    // whose values depend on the inputs' values.
    private System.Collections.Concurrent.ConcurrentDictionary<string, Tensor?[]>?[] _statics = [];
    // Input shapes whose static values a step keeps (a few batch sizes: the batch, the last partial batch, chunks).
    private const int StaticShapesKept = 4;

    /// <summary>Called after every step of a pass with the step's index and its Stopwatch ticks (bench per-node
    /// profiles); null in normal use.</summary>
    internal Action<int, long>? StepTimer { get; set; }

    /// <summary>The plan's steps in execution order (op type and node name), for per-node profiles.</summary>
    internal IReadOnlyList<(string OpType, string Name)> StepNames =>
        _plan.Steps.Select(s => (s.Node.OpType, OnnxTorchPlan.NameOf(s.Node, Source.Graph.Nodes))).ToList();

    private OnnxTorchModel(OnnxModel model, OnnxTorchOptions options)
    {
        Source = model;
        _options = options;
        if (options.KeepFreedMemory) FreedMemoryRetention.Ensure();
        FloatType = options.DoublePrecision ? ScalarType.Float64 : ScalarType.Float32;
        _opset = model.Proto.OpsetImport.LastOrDefault(o => OnnxOperatorSet.IsDefaultDomain(o.Domain))?.Version ?? 1;
        if (_opset < 7)
            throw new OnnxModelFormatException(model.FileName, $"the model imports ONNX opset {_opset}; the TorchSharp executor reads opset 7 and later (re-export with opset_version >= 9).");
        var graph = model.Graph;
        Layers = new OnnxLayerTable(model.FileName, graph, model.Declared, null);
        Inputs = model.Inputs;
        var available = graph.Inputs.Select(i => i.Name).Concat(graph.Initializers.Select(i => i.Name)).ToHashSet(StringComparer.Ordinal);
        _plan = OnnxTorchPlan.Build(graph, available, model.FileName);
        _graphOutputs = graph.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var folder = Path.GetDirectoryName(model.Path);
        _initializers = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var tensor in graph.Initializers)
            {
                _initializers.Remove(tensor.Name, out var replaced);
                replaced?.Dispose();
                // Frozen: initializers are weights; gradients flow through them, never into them.
                _initializers[tensor.Name] = OnnxTensorDecoder.Decode(tensor, FloatType, folder, model.FileName).requires_grad_(false);
            }
            _caches = _plan.Steps.Select(step => new OnnxNodeCache(
                Operators.RecurrentOperators.Prepare(step, name => _initializers.GetValueOrDefault(name), FloatType, options.RecurrentDirections)
                ?? Operators.ConvolutionOperators.Prepare(step, name => _initializers.GetValueOrDefault(name)))).ToArray();
            foreach (var tensor in _initializers.Values) _shared.TryAdd(tensor, 0);
            _statics = _plan.Steps.Select(step => step.Static == OnnxStaticValue.No ? null
                : new System.Collections.Concurrent.ConcurrentDictionary<string, Tensor?[]>(StringComparer.Ordinal)).ToArray();
            _split = new OnnxBatchSplit(_plan.Steps, Inputs, _initializers.Keys, _opset, ConstantLongs);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The ONNX model this was built from.</summary>
    public OnnxModel Source { get; }

    /// <summary>The names the model's tensors go by (the same table `layers` prints).</summary>
    public OnnxLayerTable Layers { get; }

    /// <summary>The inputs a caller feeds.</summary>
    public IReadOnlyList<OnnxTensorInfo> Inputs { get; }

    public IReadOnlyList<string> InputNames => Inputs.Select(i => i.Name).ToList();

    /// <summary>float32, or float64 with <see cref="OnnxTorchOptions.DoublePrecision"/>.</summary>
    public ScalarType FloatType { get; }

    /// <summary>The ONNX operators the executor covers (default domain).</summary>
    public static IReadOnlyList<string> CoveredOperators => OnnxOperatorSet.Covered;

    /// <summary>Reads the model at <paramref name="path"/> and builds it.</summary>
    /// <exception cref="OnnxModelFormatException">Not a usable ONNX file.</exception>
    /// <exception cref="UnsupportedOnnxOperatorException">An operator is not covered.</exception>
    /// <exception cref="MalformedOnnxGraphException">A node reads a tensor nobody produces, or nodes form a cycle.</exception>
    public static OnnxTorchModel Load(string path, OnnxTorchOptions? options = null) => Load(OnnxModel.Open(path), options);

    public static OnnxTorchModel Load(OnnxModel model, OnnxTorchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new OnnxTorchModel(model, options ?? new OnnxTorchOptions());
    }

    /// <summary>Why a batch is not cut into chunks that run on separate threads (see <see cref="OnnxTorchOptions.BatchThreads"/>),
    /// or null while it may be.</summary>
    internal string? BatchSplitRefusal => _split.Refusal ?? _splitRefusal;

    /// <summary>How many node outputs of the last pass were written into one of the node's inputs (see
    /// <see cref="OnnxNodeContext.MayOverwrite"/>); for tests.</summary>
    internal int LastPassOverwrites { get; private set; }

    /// <summary>How many runs of bidirectional recurrent nodes so far had their directions at once
    /// (<see cref="OnnxTorchOptions.RecurrentDirections"/>); for tests.</summary>
    internal long RecurrentRunsWithDirectionsAtOnce => _caches.Sum(Operators.RecurrentOperators.RunsWithDirectionsAtOnce);

    /// <summary>How many steps' outputs the model keeps for reuse, counted per input shape (see <see cref="OnnxStaticValue"/>); for tests.</summary>
    internal int KeptStaticOutputs => _statics.Sum(s => s?.Count ?? 0);

    /// <summary>How many chunks the last forward pass ran in (1: the whole batch at once).</summary>
    internal int LastPassChunks { get; private set; } = 1;

    /// <summary>Convenience for the single-input case.</summary>
    public DifferentiableForward Forward(Tensor input, ForwardRequest request)
    {
        if (Inputs.Count != 1)
            throw new OnnxTorchInputException(Source.FileName, "(all)", $"given by name: the model has {Inputs.Count} inputs ({string.Join(", ", InputNames)})", "one unnamed tensor");
        return Forward(new Dictionary<string, Tensor> { [Inputs[0].Name] = input }, request);
    }

    /// <summary>
    /// Runs the graph. Returned tensors belong to the result (dispose it); the caller's inputs are not modified
    /// (floating-point inputs are copied into leaves of the compute type that require gradients).
    /// </summary>
    /// <exception cref="OnnxTorchInputException">An input is missing, unknown, or has the wrong type or shape.</exception>
    /// <exception cref="UnknownOnnxLayerException">A captured or source name matches nothing.</exception>
    /// <exception cref="OnnxNodeFailedException">A node failed (typically shapes that do not fit); names the node.</exception>
    public DifferentiableForward Forward(IReadOnlyDictionary<string, Tensor> inputs, ForwardRequest request)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(request);
        LastPassChunks = 1;
        int threads = torch.get_num_threads();
        if (threads < 2 || Rows(inputs) is not { } rows) return RunPass(inputs, request, null, threads);
        // A short pass gains nothing from a second thread (waking it costs about what it would save): one thread,
        // with autograd too (its backward pass runs later, on libtorch's threads). This holds with or without chunks.
        // The first passes, and one in every ReprobeEvery after them, run on one thread to (re)measure it: a single
        // first pass carries one-time costs (first allocations, kernel set-up) and on a busy machine any pass can be
        // preempted, so one slow measurement must not send a short model to two threads for good (measured: the
        // BiLSTM fixture at batch 256 then took 27-700 ms instead of 2.3). Those measuring passes keep every node on
        // the one thread (no directions at once, OnnxNodeContext.Threads = 1): they measure the work, and a part on a
        // second thread that a loaded machine schedules late must not make a short pass look long.
        long pass = Interlocked.Increment(ref _passes);
        bool probe = double.IsNaN(_secondsPerRow) || pass <= OneThreadProbes || pass % ReprobeEvery == 0;
        if (_options.OneThreadBelowSeconds > 0 && (probe || _secondsPerRow * rows < _options.OneThreadBelowSeconds))
            return OnOneThread(() => Timed(rows, () => RunPass(inputs, request, null, probe ? 1 : threads)));
        int workers = _options.BatchThreads;
        if (workers < 2) return RunPass(inputs, request, null, threads);
        if (request.Gradients || request.GradientSources is { Count: > 0 } || request.Overrides is { Count: > 0 })
            return RunPass(inputs, request, null, threads);
        if (BatchSplitRefusal is null && OnnxBatchSplit.ChunkRows(rows, workers) is { } chunks
            && !request.Capture.Any(name => _split.FollowsBatchSize(Layers.Resolve(name).TensorName)))
        {
            var joined = RunInChunks(inputs, request, chunks, workers, out string? refusal);
            if (joined is not null) return joined;
            var whole = RunPass(inputs, request, null, threads);
            // Only once the whole batch has run: a chunk that failed on bad input fails whole too, and refuses nothing.
            _splitRefusal ??= refusal;
            return whole;
        }
        return RunPass(inputs, request, null, threads);
    }

    /// <summary>The number of rows every input shares (axis 0), or null when they differ or one is missing.</summary>
    private long? Rows(IReadOnlyDictionary<string, Tensor> inputs)
    {
        if (inputs.Count != Inputs.Count) return null;
        long? rows = null;
        foreach (var input in Inputs)
        {
            if (!inputs.TryGetValue(input.Name, out var value) || value.dim() == 0 || (rows is { } r && value.shape[0] != r)) return null;
            rows = value.shape[0];
        }
        return rows;
    }

    /// <summary>Runs <paramref name="pass"/> with libtorch on one thread (the calling thread's own setting, put back after).</summary>
    private static T OnOneThread<T>(Func<T> pass)
    {
        int configured = torch.get_num_threads();
        torch.set_num_threads(1);
        try { return pass(); }
        finally { torch.set_num_threads(configured); }
    }

    /// <summary>Runs a pass on one libtorch thread and keeps the fastest time per row.</summary>
    private T Timed<T>(long rows, Func<T> pass)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = pass();
        double perRow = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds / Math.Max(rows, 1);
        lock (_plan)
            if (double.IsNaN(_secondsPerRow) || perRow < _secondsPerRow) _secondsPerRow = perRow;
        return result;
    }

    /// <summary>Runs the chunks of rows at once, each on one libtorch thread, and joins what the caller captures along
    /// each tensor's batch axis; null (with the reason) when the chunks cannot stand for the whole batch.</summary>
    private DifferentiableForward? RunInChunks(IReadOnlyDictionary<string, Tensor> inputs, ForwardRequest request, long[] rows, int workers,
        out string? refusal)
    {
        var captureTensors = request.Capture.Select(name => (name, tensor: Layers.Resolve(name).TensorName)).ToList();
        var starts = new long[rows.Length];
        for (int c = 1; c < rows.Length; c++) starts[c] = starts[c - 1] + rows[c - 1];
        var results = new DifferentiableForward?[rows.Length];
        var shapes = new Dictionary<string, long[]>[rows.Length];
        int configured = torch.get_num_threads();
        try
        {
            // libtorch's thread count is the calling thread's own (OpenMP's per-thread setting): each worker sets 1
            // for its chunks and puts the caller's count back when it is done.
            Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = workers },
                () => { torch.set_num_threads(1); return 0; },
                (c, _, local) =>
                {
                    var chunk = inputs.ToDictionary(i => i.Key, i => i.Value.narrow(0, starts[c], rows[c]), StringComparer.Ordinal);
                    shapes[c] = new Dictionary<string, long[]>(StringComparer.Ordinal);
                    try
                    {
                        var result = Timed(rows[c], () => RunPass(chunk, request, shapes[c], threads: 1));
                        foreach (var t in result.Captured.Values) t.DetachFromDisposeScope();
                        results[c] = result;
                    }
                    finally
                    {
                        foreach (var t in chunk.Values) t.Dispose();
                    }
                    return local;
                },
                _ => torch.set_num_threads(configured));
            refusal = _split.Check(shapes, rows, out var axes);
            if (refusal is not null) return null;
            var captured = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (requested, tensor) in captureTensors)
                captured[requested] = axes.TryGetValue(tensor, out int axis)
                    ? torch.cat(results.Select(r => r![requested]).ToList(), axis)
                    : results[0]![requested].alias(); // the same in every chunk: it depends on no row
            LastPassChunks = rows.Length;
            return new DifferentiableForward(captured, new Dictionary<string, Tensor>(StringComparer.Ordinal), null);
        }
        catch (AggregateException error)
        {
            refusal = $"a chunk of rows failed ({error.InnerExceptions[0].Message.Split('\n')[0]})";
            return null;
        }
        finally
        {
            foreach (var result in results) result?.Dispose();
        }
    }

    /// <summary>The integer values of an initializer or of a Constant node's output (for axes that decide whether
    /// rows stay apart), or null.</summary>
    private long[]? ConstantLongs(string name)
    {
        if (_initializers.TryGetValue(name, out var tensor)) return OnnxNodeContext.Longs(tensor);
        var constant = Source.Graph.Nodes.FirstOrDefault(n => n.OpType == "Constant" && n.Outputs.Count > 0 && n.Outputs[0] == name);
        if (constant?.Attributes.FirstOrDefault(a => a.Name == "value")?.Tensor is not { } proto) return null;
        using var decoded = OnnxTensorDecoder.Decode(proto, FloatType, null, Source.FileName);
        return OnnxNodeContext.Longs(decoded);
    }

    /// <summary>One pass over the graph; with <paramref name="shapes"/>, records the shape of every tensor bound.
    /// <paramref name="threads"/> is what a node may use for independent parts (<see cref="OnnxNodeContext.Threads"/>).</summary>
    private DifferentiableForward RunPass(IReadOnlyDictionary<string, Tensor> inputs, ForwardRequest request, Dictionary<string, long[]>? shapes, int threads)
    {
        var captureTensors = request.Capture.Select(name => (name, tensor: Layers.Resolve(name).TensorName)).ToList();
        var sourceNames = (request.GradientSources ?? []).Select(name => (name, tensor: Layers.Resolve(name).TensorName)).ToList();
        var overrides = (request.Overrides ?? new Dictionary<string, Tensor>()).ToDictionary(o => Layers.Resolve(o.Key).TensorName, o => o.Value, StringComparer.Ordinal);

        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var sources = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var captured = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        // Names the caller asked for outlive their last reader; every other intermediate is freed after it.
        var wanted = captureTensors.Select(c => c.tensor).Concat(sourceNames.Select(s => s.tensor)).ToHashSet(StringComparer.Ordinal);
        var live = new LiveTensors(_shared);
        // One dispose scope for the pass; what is returned moves to the caller's scope (if any) and is owned by the
        // result. No scope stays open after the call, so the caller's later tensors are never swept up with ours.
        using (var scope = NewDisposeScope())
        using (request.Gradients ? null : no_grad())
        {
            foreach (var (name, tensor) in _initializers)
            {
                values[name] = tensor;
                shapes?.Add(name, tensor.shape);
            }
            foreach (var (name, value) in BindInputs(inputs, request.Gradients && request.GradientSources is null))
            {
                live.Bind(values, name, value);
                shapes?.Add(name, value.shape);
                if (!value.requires_grad) continue;
                sources[name] = value;
                wanted.Add(name);
            }
            var leafAt = sourceNames.ToLookup(s => s.tensor, s => s.name, StringComparer.Ordinal);
            foreach (var (tensorName, requested) in sourceNames)
                if (values.TryGetValue(tensorName, out var given) && !sources.ContainsKey(requested))
                    live.Bind(values, tensorName, sources[requested] = MakeLeaf(given));

            // Elementwise nodes may write into a dead input only when nothing can observe it: no autograd (which
            // keeps inputs for the backward pass), no caller tensor bound inside the graph, no tensor asked for.
            bool inPlace = _options.InPlace && !request.Gradients && overrides.Count == 0 && sourceNames.Count == 0;
            // Static values are taken from earlier passes unless the caller replaces or differentiates a tensor (which
            // may be one of them, and then what follows it must be computed from the replacement).
            string? shapeKey = overrides.Count == 0 && sourceNames.Count == 0 ? ShapeKey(values) : null;
            int overwrites = 0;
            for (int index = 0; index < _plan.Steps.Count; index++)
            {
                var step = _plan.Steps[index];
                var node = step.Node;
                long started = StepTimer is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
                var overwritable = inPlace ? Overwritable(step, wanted) : null;
                var outputs = shapeKey is not null && step.Static != OnnxStaticValue.No
                    ? StaticOutputs(index, step, values, shapeKey, threads)
                    : RunNode(index, step, values, overwritable, threads);
                StepTimer?.Invoke(index, System.Diagnostics.Stopwatch.GetTimestamp() - started);
                for (int i = 0; i < node.Outputs.Count; i++)
                {
                    var name = node.Outputs[i];
                    if (name.Length == 0) continue;
                    if (i >= outputs.Length || outputs[i] is not { } value)
                        throw Failed(node, values, $"output {i} ('{name}') was not computed", null);
                    if (overrides.TryGetValue(name, out var replacement))
                    {
                        if (!replacement.shape.SequenceEqual(value.shape))
                            throw new OnnxTorchInputException(Source.FileName, name, $"an override of shape [{string.Join(", ", value.shape)}] (the computed tensor's)",
                                $"[{string.Join(", ", replacement.shape)}]");
                        value = replacement.detach().to_type(value.dtype);
                    }
                    if (leafAt.Contains(name))
                    {
                        value = MakeLeaf(value);
                        foreach (var requested in leafAt[name]) sources[requested] = value;
                    }
                    if (overwritable is not null && node.Inputs.Any(input => input.Length > 0 && ReferenceEquals(values[input], value))) overwrites++;
                    live.Bind(values, name, value);
                    shapes?.Add(name, value.shape);
                }
                foreach (var name in step.ReleaseAfter)
                    if (!wanted.Contains(name)) live.Release(values, name);
            }

            if (shapes is null) LastPassOverwrites = overwrites;
            // What the caller gets it owns and disposes: a tensor the model keeps (an initializer, a static value)
            // goes out as a view of its own.
            foreach (var (requested, tensorName) in captureTensors)
                captured[requested] = _shared.ContainsKey(values[tensorName]) ? values[tensorName].alias() : values[tensorName];
            // Everything returned leaves the inner scope; intermediates die with it (autograd keeps what it needs).
            foreach (var t in captured.Values.Concat(sources.Values).Distinct()) t.MoveToOuterDisposeScope();
        }
        return new DifferentiableForward(captured, sources, null);
    }

    /// <summary>Runs the graph and returns the gradient of <paramref name="target"/> (reduced by
    /// <paramref name="selector"/>) with respect to the floating-point input, or to <paramref name="wrt"/> when named
    /// (the embedding output of a token-id model). The gradient has the source's shape; rows are independent.</summary>
    public Tensor InputGradient(IReadOnlyDictionary<string, Tensor> inputs, string target, GradientSelector selector, string? wrt = null)
    {
        using var forward = Forward(inputs, new ForwardRequest([target], wrt is null ? null : [wrt]));
        var gradient = forward.Gradient(target, selector, wrt);
        return gradient.detach().MoveToOuterDisposeScope();
    }

    /// <summary>The graph inputs' shapes, which decide the values of <see cref="OnnxStaticValue.PerInputShapes"/> steps.</summary>
    private string ShapeKey(Dictionary<string, Tensor> values) =>
        string.Join(";", Inputs.Select(i => values.TryGetValue(i.Name, out var t) ? string.Join(",", t.shape) : "-"));

    /// <summary>A static step's outputs: kept from an earlier pass with the same input shapes, or computed now and
    /// kept (owned by the model from then on) while fewer than <see cref="StaticShapesKept"/> shapes are.</summary>
    private Tensor?[] StaticOutputs(int index, OnnxPlanStep step, Dictionary<string, Tensor> values, string shapeKey, int threads)
    {
        var kept = _statics[index]!;
        string key = step.Static == OnnxStaticValue.Always ? "" : shapeKey;
        if (kept.TryGetValue(key, out var outputs)) return outputs;
        lock (kept)
        {
            if (kept.TryGetValue(key, out outputs)) return outputs;
            outputs = RunNode(index, step, values, null, threads);
            if (kept.Count >= StaticShapesKept) return outputs;
            foreach (var t in outputs)
                if (t is not null && _shared.TryAdd(t, 0)) t.DetachFromDisposeScope();
            kept[key] = outputs;
            return outputs;
        }
    }

    private static Tensor MakeLeaf(Tensor value) => value.detach().clone().requires_grad_(true);

    /// <summary>Per input of <paramref name="step"/>: whether it may be overwritten (see <see cref="OnnxNodeContext.MayOverwrite"/>).</summary>
    private static bool[]? Overwritable(OnnxPlanStep step, HashSet<string> wanted)
    {
        bool[]? result = null;
        for (int i = 0; i < step.SoleReader.Count; i++)
            if (step.SoleReader[i] && !wanted.Contains(step.Node.Inputs[i]))
                (result ??= new bool[step.SoleReader.Count])[i] = true;
        return result;
    }

    private Tensor?[] RunNode(int index, OnnxPlanStep step, Dictionary<string, Tensor> values, bool[]? overwritable, int threads)
    {
        var node = step.Node;
        var args = new Tensor?[node.Inputs.Count];
        for (int i = 0; i < args.Length; i++)
            args[i] = node.Inputs[i].Length == 0 ? null : values[node.Inputs[i]];
        try
        {
            return step.Operator(new OnnxNodeContext(step, _opset, FloatType, args, _caches[index], overwritable, threads));
        }
        catch (OnnxNodeException error)
        {
            throw Failed(node, values, error.Message, error);
        }
        catch (System.Runtime.InteropServices.ExternalException error)
        {
            // libtorch's own complaint (sizes that do not match), first line only.
            throw Failed(node, values, error.Message.Split('\n')[0], error);
        }
        catch (ArgumentException error)
        {
            throw Failed(node, values, error.Message, error);
        }
    }

    private OnnxNodeFailedException Failed(NodeProto node, Dictionary<string, Tensor> values, string problem, Exception? inner)
    {
        var shapes = node.Inputs.Select(i => i.Length == 0 ? "(none)"
            : values.TryGetValue(i, out var t) ? $"{i}: {t.dtype} [{string.Join(", ", t.shape)}]" : $"{i}: ?").ToList();
        return new OnnxNodeFailedException(Source.FileName, OnnxTorchPlan.NameOf(node, Source.Graph.Nodes), node.OpType,
            OnnxLayerTable.ScopeOf(node.Name), shapes, problem, inner);
    }

    /// <summary>Checks the inputs against the model's declarations and converts them to the compute types.</summary>
    private List<(string Name, Tensor Value)> BindInputs(IReadOnlyDictionary<string, Tensor> given, bool floatInputsAreSources)
    {
        var file = Source.FileName;
        foreach (var name in given.Keys)
            if (!Inputs.Any(i => i.Name == name))
                throw new OnnxTorchInputException(file, name, $"one of the model's inputs ({string.Join(", ", InputNames)})", "a name the model does not have");
        var bound = new List<(string, Tensor)>();
        foreach (var input in Inputs)
        {
            if (!given.TryGetValue(input.Name, out var value))
                throw new OnnxTorchInputException(file, input.Name, $"given ({input.Describe()})", "nothing");
            var actual = $"{value.dtype} [{string.Join(", ", value.shape)}]";
            if (input.Shape is { } shape)
            {
                bool fits = shape.Count == value.dim()
                    && shape.Select((d, i) => d.Size is not { } size || size == value.shape[i]).All(ok => ok);
                if (!fits) throw new OnnxTorchInputException(file, input.Name, $"of shape {OnnxDimension.Format(shape)}", actual);
            }
            var expected = OnnxTensorDecoder.ScalarTypeOf(input.ElementType, FloatType);
            Tensor converted;
            if (expected is { } type && (type == ScalarType.Float32 || type == ScalarType.Float64))
            {
                if (!value.is_floating_point())
                    throw new OnnxTorchInputException(file, input.Name, $"a floating-point tensor ({input.Describe()})", actual);
                converted = value.detach().to_type(type).clone();
                if (floatInputsAreSources) converted.requires_grad_(true);
            }
            else if (expected is { } integer)
            {
                if (value.is_floating_point() || value.dtype == ScalarType.Bool != (integer == ScalarType.Bool))
                    throw new OnnxTorchInputException(file, input.Name, $"a {OnnxElementTypes.Name(input.ElementType)} tensor ({input.Describe()})", actual);
                converted = value.to_type(integer);
            }
            else
            {
                converted = value.alias();
            }
            bound.Add((input.Name, converted));
        }
        return bound;
    }

    /// <summary>
    /// The tensors of one pass by name, counting the names each tensor object goes by (an operator may hand back its
    /// input, so two names can share one object). A tensor is disposed when its last name is released; the model's
    /// own tensors (initializers, static values) never are. Disposing a handle early is safe under autograd, which holds its own references.
    /// </summary>
    private sealed class LiveTensors(System.Collections.Concurrent.ConcurrentDictionary<Tensor, byte> permanent)
    {
        private readonly Dictionary<Tensor, int> _names = new(ReferenceEqualityComparer.Instance);

        public void Bind(Dictionary<string, Tensor> values, string name, Tensor value)
        {
            if (values.TryGetValue(name, out _)) Release(values, name);
            values[name] = value;
            _names[value] = _names.GetValueOrDefault(value) + 1;
        }

        public void Release(Dictionary<string, Tensor> values, string name)
        {
            if (!values.Remove(name, out var value)) return;
            if (!_names.TryGetValue(value, out int count)) return;
            if (count > 1) { _names[value] = count - 1; return; }
            _names.Remove(value);
            if (!permanent.ContainsKey(value)) value.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var t in _shared.Keys) t.Dispose(); // the initializers and the static values
        _initializers.Clear();
        _shared.Clear();
        foreach (var cache in _caches) cache.Dispose();
    }
}
