using LayerScope.Onnx.Proto;

namespace LayerScope.Onnx.Torch;

/// <summary>
/// Decides whether a batch may be cut into chunks of rows that run at the same time, one libtorch thread each, and
/// the chunks' tensors be joined back into exactly what one pass over the whole batch computes.
/// <para>Why: libtorch splits each operator across its intra-op threads and waits for all of them at the end of it.
/// On small images and short sequences every operator is short, so on a machine whose cores are also busy with other
/// work the pass spends its time waiting for a preempted thread, and two threads end up slower than one. Chunks of
/// rows need no waiting until the very end, and a chunk left over is taken by whichever thread is free.</para>
/// <para>It is only right when no row of the batch affects another. That is decided in two steps. At load, from the
/// graph alone: which tensors depend on the input's values (data), which only on its shape (a Shape output and what is
/// computed from it), and which on neither; an operator outside the table below, or a shape value flowing into
/// arithmetic on data (a mean divided by the batch size), refuses. After the chunks have run, from their shapes: every
/// data tensor must have exactly one axis whose size is each chunk's number of rows (chunks differ in size, so an axis
/// of fixed size cannot pass for it), and each operator must work along its rows, not across them (a Softmax, Concat,
/// Slice or Gather not along that axis; a convolution with the batch first; a Reshape that keeps the axis apart).
/// Anything in doubt refuses, and the batch then runs whole.</para>
/// </summary>
internal sealed class OnnxBatchSplit
{
    /// <summary>Fewer rows per chunk than this cost more in per-operator overhead than a second thread gains.</summary>
    public const int MinimumRowsPerChunk = 16;

    /// <summary>Constant: depends on nothing given. ShapeOnly: computed from shapes (values may be the batch size).
    /// Filled: one value everywhere, or a constant broadcast, in a shape that may include the batch (ConstantOfShape):
    /// like data it may have a batch axis, but needs none. Data: depends on the input's values.</summary>
    private enum Kind { Constant, ShapeOnly, Filled, Data }

    private static readonly HashSet<string> Elementwise = new(StringComparer.Ordinal)
    {
        "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Exp", "Log", "Neg", "Abs", "Reciprocal", "Floor", "Ceil", "Erf", "Sin",
        "Cos", "Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh",
        "Softplus", "Softsign", "Gelu", "Clip", "Sum", "Mean", "Max", "Min", "Where", "Equal", "Less", "LessOrEqual",
        "Greater", "GreaterOrEqual", "Not", "And", "Or", "Identity", "Dropout", "Cast", "CastLike", "Expand",
    };

    /// <summary>Operators that move or resize axes without combining entries of different rows; a changed batch axis
    /// size (a pad or tile along it) fails the shape check.</summary>
    private static readonly HashSet<string> RowPreserving = new(StringComparer.Ordinal)
    {
        "Squeeze", "Unsqueeze", "Pad", "Tile", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd",
        "ReduceSumSquare", "ArgMax", "ArgMin", "Shape", "Size", "ConstantOfShape",
    };

    private static readonly HashSet<string> BatchFirst = new(StringComparer.Ordinal)
    {
        "Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization",
    };

    private static readonly HashSet<string> Other = new(StringComparer.Ordinal)
    {
        "Gemm", "MatMul", "Softmax", "LogSoftmax", "LayerNormalization", "Flatten", "Reshape", "Transpose", "Concat",
        "Split", "Slice", "Gather", "LSTM", "GRU", "RNN",
    };

    /// <summary>Operators that only move entries (or pad them with constants): a filled tensor stays filled.</summary>
    private static readonly HashSet<string> FilledMoves = new(StringComparer.Ordinal)
    {
        "Slice", "Gather", "Squeeze", "Unsqueeze", "Reshape", "Transpose", "Concat", "Split", "Flatten", "Tile", "Pad",
    };

    /// <summary>What may be computed from shape values alone (the exporters' Shape → Gather → Concat chains).</summary>
    private static readonly HashSet<string> ShapeArithmetic = new(StringComparer.Ordinal)
    {
        "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "CastLike", "Slice", "Add", "Sub", "Mul", "Div", "Identity",
        "Reshape", "Equal", "Less", "Greater", "Where", "Max", "Min", "Range", "Not", "Neg", "Abs", "Floor", "Ceil",
        "ReduceProd", "ReduceSum", "ReduceMax", "ReduceMin", "Expand", "Tile",
    };

    // LSTM/GRU/RNN inputs: initial_h and initial_c, then W, R, B and P.
    private static readonly int[] RecurrentStates = [5, 6];
    private static readonly int[] RecurrentWeights = [1, 2, 3, 7];

    private readonly IReadOnlyList<OnnxPlanStep> _steps;
    private readonly Dictionary<string, Kind> _kinds = new(StringComparer.Ordinal);
    private readonly long _opset;
    private readonly Func<string, long[]?> _constantLongs;

    /// <param name="steps">The plan.</param>
    /// <param name="inputs">The graph inputs (their axis 0 is cut).</param>
    /// <param name="constants">Initializer names.</param>
    /// <param name="opset">The default domain's opset.</param>
    /// <param name="constantLongs">The integer values of an initializer or Constant output (Slice's axes), or null.</param>
    public OnnxBatchSplit(IReadOnlyList<OnnxPlanStep> steps, IReadOnlyList<OnnxTensorInfo> inputs, IEnumerable<string> constants,
        long opset, Func<string, long[]?> constantLongs)
    {
        _steps = steps;
        _opset = opset;
        _constantLongs = constantLongs;
        foreach (var name in constants) _kinds[name] = Kind.Constant;
        foreach (var input in inputs)
        {
            _kinds[input.Name] = Kind.Data;
            if (input.Shape is { Count: > 0 } shape && shape[0].Size is not null)
                Refusal ??= $"input '{input.Name}' declares a fixed batch size of {shape[0].Size}";
        }
        if (inputs.Count == 0) Refusal = "the graph has no inputs";
        foreach (var step in steps)
        {
            var kind = KindOf(step.Node, out var problem);
            Refusal ??= problem;
            foreach (var output in step.Node.Outputs.Where(o => o.Length > 0)) _kinds[output] = kind;
        }
    }

    /// <summary>Why the graph can never be cut (null when it may be, subject to <see cref="Check"/>).</summary>
    public string? Refusal { get; }

    /// <summary>Chunk sizes for <paramref name="rows"/> rows over <paramref name="workers"/> threads, or null when the
    /// batch is too small to cut: one chunk per thread (more cost more per-operator overhead than they gain in
    /// balance: measured on the CNN and BiLSTM fixtures), never all of one size, so the shape check can tell the
    /// batch axis from an axis of fixed size.</summary>
    public static long[]? ChunkRows(long rows, int workers)
    {
        if (workers < 2) return null;
        long chunks = Math.Min(workers, rows / MinimumRowsPerChunk);
        if (chunks < 2) return null;
        var sizes = new long[chunks];
        Array.Fill(sizes, rows / chunks);
        sizes[0] += rows - rows / chunks * chunks;
        if (sizes[0] == sizes[^1]) { sizes[0]++; sizes[^1]--; }
        return sizes;
    }

    /// <summary>True for a tensor computed from the batch size (a Shape output): its chunks' values are not the
    /// whole batch's, so a pass that returns it runs whole.</summary>
    public bool FollowsBatchSize(string tensor) => _kinds.GetValueOrDefault(tensor) == Kind.ShapeOnly;

    /// <summary>After the chunks have run: null when joining them along the batch axes (returned) equals the whole
    /// batch's pass, else why not.</summary>
    /// <param name="shapes">Every tensor's shape in each chunk.</param>
    /// <param name="rows">Each chunk's number of rows.</param>
    /// <param name="axes">The batch axis of every data tensor.</param>
    public string? Check(IReadOnlyList<IReadOnlyDictionary<string, long[]>> shapes, long[] rows, out Dictionary<string, int> axes)
    {
        axes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, first) in shapes[0])
        {
            var kind = _kinds.GetValueOrDefault(name, Kind.Data);
            if (kind is not (Kind.Data or Kind.Filled)) continue;
            int? axis = null;
            for (int a = 0; a < first.Length; a++)
            {
                bool follows = true;
                for (int c = 0; c < shapes.Count && follows; c++)
                {
                    var shape = shapes[c][name];
                    follows = shape.Length == first.Length && shape[a] == rows[c]
                        && shape.Select((size, i) => i == a || size == first[i]).All(same => same);
                }
                if (!follows) continue;
                if (axis is not null) return $"'{name}' has two axes that follow the rows";
                axis = a;
            }
            if (axis is { } found) axes[name] = found;
            else if (kind == Kind.Data) return $"'{name}' depends on the input but has no axis that follows the rows";
            // A filled tensor without a batch axis is the same in every chunk only if its shape is.
            else if (shapes.Any(chunk => !chunk[name].SequenceEqual(first))) return $"'{name}' changes shape with the rows";
        }
        foreach (var step in _steps)
        {
            if (step.Node.Outputs.All(o => o.Length == 0 || _kinds[o] != Kind.Data)) continue;
            if (CheckNode(step, axes, shapes[0]) is { } problem) return $"node '{step.Node.Name}' ({step.Node.OpType}) {problem}";
        }
        return null;
    }

    private Kind KindOf(NodeProto node, out string? problem)
    {
        problem = null;
        var op = node.OpType;
        var kinds = node.Inputs.Select(i => i.Length == 0 ? Kind.Constant : _kinds.GetValueOrDefault(i, Kind.Data)).ToArray();
        if (kinds.All(k => k == Kind.Constant)) return Kind.Constant;
        if (op is "Shape" or "Size") return Kind.ShapeOnly;
        if (kinds.Contains(Kind.ShapeOnly) && !kinds.Contains(Kind.Data))
        {
            // One value, or a constant broadcast, in a shape taken from the input: values that depend on no row.
            if (op == "ConstantOfShape" || (op is "Expand" or "Tile" && kinds[0] is Kind.Constant or Kind.Filled)) return Kind.Filled;
            if (ShapeArithmetic.Contains(op)) return Kind.ShapeOnly;
            problem = $"node '{node.Name}' ({op}) computes with the batch size";
            return Kind.Data;
        }
        // Moving or combining filled values entry by entry keeps them filled; anything else (a sum over the batch
        // axis would count its rows) is treated as data, whose rules and shape check then apply.
        if (!kinds.Contains(Kind.Data) && (Elementwise.Contains(op) || FilledMoves.Contains(op))) return Kind.Filled;
        if (!Elementwise.Contains(op) && !RowPreserving.Contains(op) && !BatchFirst.Contains(op) && !Other.Contains(op))
        {
            problem = $"node '{node.Name}' ({op}) is not known to keep rows apart";
            return Kind.Data;
        }
        var structural = StructuralInputs(op);
        for (int i = 0; i < kinds.Length; i++)
        {
            bool isStructural = structural.Contains(i);
            if (kinds[i] == Kind.ShapeOnly && !isStructural)
                problem ??= $"node '{node.Name}' ({op}) computes data with the batch size (input {i})";
            if (kinds[i] is Kind.Data or Kind.Filled && isStructural)
                problem ??= $"node '{node.Name}' ({op}) takes a shape or axes from the input's values (input {i})";
        }
        return Kind.Data;
    }

    /// <summary>Inputs that give a shape, pads, repeats or axes rather than data.</summary>
    private static int[] StructuralInputs(string op) => op switch
    {
        "Reshape" or "Expand" or "Tile" or "Squeeze" or "Unsqueeze" or "Split" => [1],
        "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceMin" or "ReduceProd" or "ReduceSumSquare" => [1],
        "Slice" => [1, 2, 3, 4],
        "Pad" => [1, 2, 3],
        "ConstantOfShape" => [0],
        _ => [],
    };

    /// <summary>Why a node combines rows given the batch axes, or null.</summary>
    private string? CheckNode(OnnxPlanStep step, Dictionary<string, int> axes, IReadOnlyDictionary<string, long[]> shapes)
    {
        var node = step.Node;
        string op = node.OpType;
        int? AxisOf(int input) => input < node.Inputs.Count && node.Inputs[input].Length > 0 && axes.TryGetValue(node.Inputs[input], out int a) ? a : null;
        int Rank(string name) => shapes[name].Length;
        bool IsConstant(int input) => input >= node.Inputs.Count || node.Inputs[input].Length == 0 || _kinds[node.Inputs[input]] == Kind.Constant;
        long Attribute(string name, long fallback) => step.Attributes.TryGetValue(name, out var a) ? a.I : fallback;
        long Normalized(long axis, long rank) => axis < 0 ? axis + rank : axis;
        var output = node.Outputs[0];
        if (!axes.TryGetValue(output, out int outputAxis)) return "has no batch axis in its output";

        if (Elementwise.Contains(op))
        {
            int rank = Rank(output);
            var structural = StructuralInputs(op);
            for (int i = 0; i < node.Inputs.Count; i++)
                if (!structural.Contains(i) && AxisOf(i) is { } k && rank - Rank(node.Inputs[i]) + k != outputAxis)
                    return $"broadcasts input {i}'s batch axis onto another axis";
            return null;
        }
        if (RowPreserving.Contains(op)) return null;
        if (BatchFirst.Contains(op))
            return AxisOf(0) == 0 && outputAxis == 0 && Enumerable.Range(1, node.Inputs.Count - 1).All(IsConstant) ? null : "needs the batch first and constant weights";
        switch (op)
        {
            case "Gemm":
                return AxisOf(0) == (Attribute("transA", 0) != 0 ? 1 : 0) && IsConstant(1) && IsConstant(2) && outputAxis == 0
                    ? null : "multiplies across the batch";
            case "MatMul":
            {
                var (a, b) = (AxisOf(0), AxisOf(1));
                int rankA = Rank(node.Inputs[0]), rankB = Rank(node.Inputs[1]);
                if (a is { } ka && b is null) return ka < rankA - 1 ? null : "contracts the batch axis";
                if (a is null && b is { } kb) return rankB >= 2 && kb != rankB - 2 ? null : "contracts the batch axis";
                // Both from the input: a batched product, both batch axes among the leading (batch) axes, aligned.
                int rank = Rank(output);
                return a is { } x && b is { } y && x < rankA - 2 && y < rankB - 2 && rank - rankA + x == outputAxis && rank - rankB + y == outputAxis
                    ? null : "multiplies across the batch";
            }
            case "Softmax" or "LogSoftmax":
            {
                long rank = Rank(node.Inputs[0]);
                long axis = Normalized(Attribute("axis", _opset >= 13 ? -1 : 1), rank);
                // Before opset 13 the input is coerced to 2-D [outer, inner] at the axis, and normalized over inner.
                return _opset >= 13 ? (axis != AxisOf(0) ? null : "normalizes along the batch axis")
                    : (AxisOf(0) < axis ? null : "normalizes over the batch axis");
            }
            case "LayerNormalization":
                return AxisOf(0) < Normalized(Attribute("axis", -1), Rank(node.Inputs[0])) && IsConstant(1) && IsConstant(2)
                    ? null : "normalizes over the batch axis";
            case "Flatten" or "Reshape":
            {
                // Row-major: rows stay apart when as many entries come before the batch axis in the output as in the input.
                var (input, result) = (shapes[node.Inputs[0]], shapes[output]);
                if (AxisOf(0) is not { } k) return "reshapes the batch axis away";
                long before = input[..k].Aggregate(1L, (p, s) => p * s), after = result[..outputAxis].Aggregate(1L, (p, s) => p * s);
                return before == after ? null : "mixes the batch axis with others";
            }
            case "Transpose":
            {
                int rank = Rank(node.Inputs[0]);
                var perm = step.Attributes.TryGetValue("perm", out var p) ? p.Ints.ToArray() : Enumerable.Range(0, rank).Reverse().Select(i => (long)i).ToArray();
                return perm.Length > outputAxis && perm[outputAxis] == AxisOf(0) ? null : "moves the batch axis unexpectedly";
            }
            case "Concat":
            {
                long axis = Normalized(Attribute("axis", 0), Rank(output));
                for (int i = 0; i < node.Inputs.Count; i++)
                    if (AxisOf(i) is { } k && k != outputAxis) return "joins inputs whose batch axes differ";
                return axis != outputAxis ? null : "joins along the batch axis";
            }
            case "Split":
                return AxisOf(0) is { } splitAxis && Normalized(Attribute("axis", 0), Rank(node.Inputs[0])) != splitAxis ? null : "splits the batch axis";
            case "Slice":
            {
                if (AxisOf(0) is not { } k) return "slices the batch axis";
                long rank = Rank(node.Inputs[0]);
                long[]? sliced;
                if (_opset < 10)
                    sliced = step.Attributes.TryGetValue("axes", out var a) ? a.Ints.ToArray()
                        : step.Attributes.TryGetValue("starts", out var s) ? Enumerable.Range(0, s.Ints.Count).Select(i => (long)i).ToArray() : null;
                else
                    sliced = node.Inputs.Count > 3 && node.Inputs[3].Length > 0 ? _constantLongs(node.Inputs[3])
                        : _constantLongs(node.Inputs[1]) is { } starts ? Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray() : null;
                if (sliced is null) return "slices axes that are not constants";
                return sliced.All(axis => Normalized(axis, rank) != k) ? null : "slices the batch axis";
            }
            case "Gather":
            {
                var (data, indices) = (AxisOf(0), AxisOf(1));
                if (data is null && indices is not null) return null; // an embedding lookup: each row reads its own ids
                return data is { } k && IsConstant(1) && Normalized(Attribute("axis", 0), Rank(node.Inputs[0])) != k ? null : "gathers along the batch axis";
            }
            case "LSTM" or "GRU" or "RNN":
            {
                int expected = Attribute("layout", 0) != 0 ? 0 : 1;
                bool states = RecurrentStates.All(i => i >= node.Inputs.Count || node.Inputs[i].Length == 0 || AxisOf(i) == expected);
                bool lengths = node.Inputs.Count <= 4 || node.Inputs[4].Length == 0 || AxisOf(4) == 0;
                return AxisOf(0) == expected && states && lengths && RecurrentWeights.All(IsConstant) ? null : "does not run one sequence per row";
            }
            default:
                return "is not known to keep rows apart";
        }
    }
}
