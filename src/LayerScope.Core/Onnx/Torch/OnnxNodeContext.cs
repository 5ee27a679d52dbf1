using LayerScope.Onnx.Proto;
using static TorchSharp.torch;

namespace LayerScope.Onnx.Torch;

/// <summary>One node as an operator sees it while it runs: its input tensors, its attributes with ONNX's defaults,
/// the opset that decides which version of the operator it is, and the executor's floating-point type.</summary>
internal sealed class OnnxNodeContext(OnnxPlanStep step, long opset, ScalarType floatType, IReadOnlyList<Tensor?> inputs,
    OnnxNodeCache cache, IReadOnlyList<bool>? overwritable = null, int threads = 1)
{
    private readonly IReadOnlyDictionary<string, AttributeProto> _attributes = step.Attributes;

    /// <summary>A node's attributes by name (the last of repeated ones).</summary>
    public static IReadOnlyDictionary<string, AttributeProto> AttributesOf(NodeProto node) =>
        node.Attributes.GroupBy(a => a.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public NodeProto Node { get; } = step.Node;

    /// <summary>What this node keeps between runs (derived from its weights only).</summary>
    public OnnxNodeCache Cache { get; } = cache;

    /// <summary>The version of the default ONNX domain the model imports.</summary>
    public long Opset { get; } = opset;

    /// <summary>float32, or float64 for a run in double precision.</summary>
    public ScalarType FloatType { get; } = floatType;

    public IReadOnlyList<Tensor?> Inputs { get; } = inputs;

    /// <summary>How many threads this pass may put to work on independent parts of one node (the caller's libtorch
    /// thread count; 1 inside a chunk of rows, which already has a thread of its own). A pass that runs on one
    /// libtorch thread because it is short still gets the caller's count here: a node with parts that each take far
    /// longer than handing one to another thread (the two directions of a large bidirectional LSTM) runs them at once.</summary>
    public int Threads { get; } = Math.Max(threads, 1);

    /// <summary>How many outputs the node names (left-out optional outputs at the end are not counted).</summary>
    public int OutputCount => Node.Outputs.Count;

    /// <summary>True when output <paramref name="index"/> is named, so someone reads it.</summary>
    public bool WantsOutput(int index) => index < Node.Outputs.Count && Node.Outputs[index].Length > 0;

    /// <summary>True when the operator may write its result into input <paramref name="index"/>: a pass without
    /// autograd, no caller asked for that tensor, this node is its only reader and it is a fresh tensor of this pass
    /// (not an input, an initializer or a view of another live tensor). Saves allocating (and on a large batch,
    /// page-faulting) a new buffer per elementwise node; the values are the same bits either way.</summary>
    public bool MayOverwrite(int index) => overwritable is not null && index < overwritable.Count && overwritable[index];

    /// <summary>True when input <paramref name="index"/> may be overwritten with the result of a binary operation with
    /// <paramref name="other"/>: the result has its shape and type (<paramref name="other"/> broadcasts into it).</summary>
    public bool MayOverwriteWith(int index, Tensor other)
    {
        if (!MayOverwrite(index)) return false;
        var target = Input(index);
        if (target.dtype != other.dtype || other.dim() > target.dim() || ReferenceEquals(target, other)) return false;
        for (int i = 1; i <= other.dim(); i++)
            if (other.shape[^i] != target.shape[^i] && other.shape[^i] != 1) return false;
        return true;
    }

    public Tensor Input(int index) =>
        OptionalInput(index) ?? throw new OnnxNodeException($"input {index} is required but {(index < Node.Inputs.Count ? "left out" : "missing")}");

    public Tensor? OptionalInput(int index) => index < Inputs.Count ? Inputs[index] : null;

    /// <summary>The values of an integer input (a shape, axes, pads): they decide the computation's structure.</summary>
    public long[]? OptionalLongs(int index) => OptionalInput(index) is { } t ? Longs(t) : null;

    public long[] InputLongs(int index) => Longs(Input(index));

    public static long[] Longs(Tensor tensor)
    {
        var flat = tensor.to_type(ScalarType.Int64).flatten();
        return flat.data<long>().ToArray();
    }

    public static double Scalar(Tensor tensor)
    {
        var flat = tensor.to_type(ScalarType.Float64).flatten();
        if (flat.numel() != 1) throw new OnnxNodeException($"expected a single value, found {flat.numel()}");
        return flat.data<double>()[0];
    }

    public bool Has(string name) => _attributes.ContainsKey(name);

    public long Int(string name, long fallback) => _attributes.TryGetValue(name, out var a) ? a.I : fallback;

    public float Float(string name, float fallback) => _attributes.TryGetValue(name, out var a) ? a.F : fallback;

    public string String(string name, string fallback) => _attributes.TryGetValue(name, out var a) ? a.S : fallback;

    public long[]? Ints(string name) => _attributes.TryGetValue(name, out var a) ? a.Ints.ToArray() : null;

    public float[]? Floats(string name) => _attributes.TryGetValue(name, out var a) ? a.Floats.ToArray() : null;

    public string[]? Strings(string name) => _attributes.TryGetValue(name, out var a) ? a.StringList.ToArray() : null;

    public TensorProto? TensorAttribute(string name) => _attributes.TryGetValue(name, out var a) ? a.Tensor : null;

    /// <summary>Axis <paramref name="axis"/> of a rank-<paramref name="rank"/> tensor, negative ones counted from the end.</summary>
    public static long Axis(long axis, long rank)
    {
        long normalized = axis < 0 ? axis + rank : axis;
        if (normalized < 0 || normalized >= Math.Max(rank, 1))
            throw new OnnxNodeException($"axis {axis} is outside a tensor of rank {rank}");
        return normalized;
    }
}

/// <summary>An operator signature for the executor: the node's inputs in, one tensor per output out (null for an
/// output nobody reads).</summary>
internal delegate Tensor?[] OnnxOperator(OnnxNodeContext node);

/// <summary>
/// What one node keeps between runs, owned by the model (disposed with it): what an operator derived at load from the
/// node's initializers, such as weights rearranged for a fused libtorch kernel, so it is not redone on every run.
/// </summary>
internal sealed class OnnxNodeCache(IDisposable? value) : IDisposable
{
    private IDisposable? _value = value;

    /// <summary>What was prepared for the node at load, if it is a <typeparamref name="T"/>.</summary>
    public T? Get<T>() where T : class => _value as T;

    public void Dispose()
    {
        _value?.Dispose();
        _value = null;
    }
}
