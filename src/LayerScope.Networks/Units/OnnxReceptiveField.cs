using LayerScope.Onnx;
using LayerScope.Onnx.Proto;

namespace LayerScope.Units;

/// <summary>The receptive field of one tensor of an ONNX graph, per spatial axis, or why it is unknown.</summary>
/// <param name="Rows">Along the height ([N, C, H, W]); <see cref="ReceptiveField.Input"/> for 1-D tensors [N, C, L].</param>
/// <param name="Columns">Along the width (or the length of a 1-D tensor).</param>
/// <param name="Problem">Null when known; else which node on the way from the input has no sliding-window geometry.</param>
public sealed record OnnxFieldResult(ReceptiveField? Rows, ReceptiveField? Columns, string? Problem)
{
    public bool IsKnown => Problem is null;
}

/// <summary>
/// Receptive fields read from an ONNX graph: from the tensor back to the graph input, every Conv, MaxPool,
/// AveragePool and LpPool contributes its kernel, strides, leading pads and dilations (<see cref="WindowGeometry"/>),
/// a Pad with constant pads moves the field's start, and element-wise operators (activations, normalizations, Add /
/// Mul / Concat of branches) keep the positions; branches that meet are joined by the smallest field covering both
/// (a residual block's field is its longer branch's). Anything else — a Reshape, a Gemm, a global pool, auto_pad —
/// makes the field unknown, and the answer says which node.
/// </summary>
public static class OnnxReceptiveField
{
    private static readonly HashSet<string> PositionPreserving = new(StringComparer.Ordinal)
    {
        "Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Gelu", "Erf", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Softplus",
        "Softsign", "Mish", "Clip", "Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Pow", "Identity", "Dropout", "Cast",
        "BatchNormalization", "InstanceNormalization", "Add", "Sub", "Mul", "Div", "Max", "Min", "Sum", "Mean", "Where", "Concat",
    };

    /// <summary>The field of tensor <paramref name="tensorName"/>, which has <paramref name="spatialAxes"/> (1 or 2)
    /// spatial axes after [N, C].</summary>
    public static OnnxFieldResult Of(OnnxModel model, string tensorName, int spatialAxes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tensorName);
        if (spatialAxes is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(spatialAxes), spatialAxes, "1 or 2 spatial axes.");
        var graph = model.Graph;
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
            foreach (var output in node.Outputs.Where(o => o.Length > 0)) producers[output] = node;
        var initializers = graph.Initializers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var constants = new HashSet<string>(initializers.Keys, StringComparer.Ordinal);
        var constantValues = new Dictionary<string, TensorProto>(initializers, StringComparer.Ordinal);
        foreach (var node in graph.Nodes.Where(n => n.OpType == "Constant"))
        {
            constants.UnionWith(node.Outputs);
            if (node.Attributes.LastOrDefault(a => a.Name == "value")?.Tensor is { } value) constantValues[node.Outputs[0]] = value;
        }
        long[]? ConstantLongs(string name)
        {
            if (!constantValues.TryGetValue(name, out var proto)) return null;
            using var tensor = Onnx.Torch.OnnxTensorDecoder.Decode(proto, TorchSharp.torch.ScalarType.Float32, Path.GetDirectoryName(model.Path), model.FileName);
            return Onnx.Torch.OnnxNodeContext.Longs(tensor);
        }
        var inputs = graph.Inputs.Select(i => i.Name).Where(n => !constants.Contains(n)).ToHashSet(StringComparer.Ordinal);
        // Tensors computed from a graph input; the rest (weights behind an Identity, shapes) carry no positions.
        // ONNX requires nodes in topological order, so one pass finds them.
        var dynamic = new HashSet<string>(inputs, StringComparer.Ordinal);
        foreach (var node in graph.Nodes.Where(n => n.Inputs.Any(dynamic.Contains))) dynamic.UnionWith(node.Outputs.Where(o => o.Length > 0));
        var memo = new Dictionary<string, Field[]>(StringComparer.Ordinal);

        Field[] Visit(string tensor)
        {
            if (memo.TryGetValue(tensor, out var known)) return known;
            Field[] result;
            if (!dynamic.Contains(tensor)) result = Unknown($"tensor '{tensor}' does not depend on the graph input");
            else if (inputs.Contains(tensor)) result = [.. Enumerable.Repeat(new Field(ReceptiveField.Input, null), spatialAxes)];
            else if (!producers.TryGetValue(tensor, out var node)) result = Unknown($"tensor '{tensor}' has no producer and is not a graph input");
            else result = Through(node);
            memo[tensor] = result;
            return result;
        }

        Field[] Through(NodeProto node)
        {
            string who = $"'{(node.Name.Length > 0 ? node.Name : node.Outputs[0])}' ({node.OpType})";
            var attributes = node.Attributes.GroupBy(a => a.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
            long[]? Ints(string name) => attributes.TryGetValue(name, out var a) ? a.Ints.ToArray() : null;
            switch (node.OpType)
            {
                case "Conv" or "MaxPool" or "AveragePool" or "LpPool":
                {
                    if (attributes.TryGetValue("auto_pad", out var autoPad) && autoPad.S is not ("" or "NOTSET" or "VALID"))
                        return Unknown($"{who} pads with auto_pad = {autoPad.S}, which depends on the input size");
                    var kernel = Ints("kernel_shape")
                        ?? (node.OpType == "Conv" && node.Inputs.Count > 1 && initializers.TryGetValue(node.Inputs[1], out var weight) ? weight.Dims.Skip(2).ToArray() : null);
                    if (kernel is null || kernel.Length != spatialAxes)
                        return Unknown($"{who} has no {spatialAxes}-D kernel_shape (nor a weight initializer that gives it)");
                    var strides = Ints("strides") ?? Ones(spatialAxes);
                    var dilations = Ints("dilations") ?? Ones(spatialAxes);
                    var pads = Ints("pads") ?? new long[2 * spatialAxes];
                    var windows = Enumerable.Range(0, spatialAxes).Select(a => new WindowGeometry((int)kernel[a], (int)strides[a], (int)pads[a], (int)dilations[a])).ToArray();
                    return Then(Visit(node.Inputs[0]), windows);
                }
                case "Pad":
                {
                    var mode = attributes.TryGetValue("mode", out var m) ? m.S : "constant";
                    var pads = Ints("pads") ?? (node.Inputs.Count > 1 ? ConstantLongs(node.Inputs[1]) : null);
                    if (mode != "constant" || pads is null || pads.Length != 2 * (spatialAxes + 2))
                        return Unknown($"{who} has no constant pads over [N, C, spatial]");
                    int rank = spatialAxes + 2;
                    var windows = Enumerable.Range(0, spatialAxes).Select(a => new WindowGeometry(1, 1, (int)pads[2 + a])).ToArray();
                    if (pads[0] != 0 || pads[1] != 0 || pads[rank] != 0 || pads[rank + 1] != 0)
                        return Unknown($"{who} pads the batch or channel axis");
                    return Then(Visit(node.Inputs[0]), windows);
                }
                case "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceMin" or "ReduceL2" or "ReduceProd":
                {
                    // Over the channel axis only, keeping it: every position still sees only its own column.
                    var axes = Ints("axes") ?? (node.Inputs.Count > 1 && node.Inputs[1].Length > 0 ? ConstantLongs(node.Inputs[1]) : null);
                    bool keep = !attributes.TryGetValue("keepdims", out var k) || k.I != 0;
                    if (axes is null || !keep || axes.Any(a => a != 1 && a != -(spatialAxes + 1)))
                        return Unknown($"{who} reduces over more than the channel axis");
                    return Visit(node.Inputs[0]);
                }
                default:
                {
                    if (!PositionPreserving.Contains(node.OpType))
                        return Unknown($"{who} has no sliding-window geometry LayerScope knows");
                    var branches = node.Inputs.Where(dynamic.Contains).Select(Visit).ToList();
                    if (branches.Count == 0) return Unknown($"{who} depends on no graph input");
                    return Enumerable.Range(0, spatialAxes).Select(a => branches.Select(b => b[a]).Aggregate(Join)).ToArray();
                }
            }
        }

        var fields = Visit(tensorName);
        var problem = fields.Select(f => f.Problem).FirstOrDefault(p => p is not null);
        if (problem is not null) return new OnnxFieldResult(null, null, $"the receptive field of '{tensorName}' is unknown: {problem}.");
        return spatialAxes == 2 ? new OnnxFieldResult(fields[0].Value, fields[1].Value, null) : new OnnxFieldResult(ReceptiveField.Input, fields[0].Value, null);
    }

    private readonly record struct Field(ReceptiveField? Value, string? Problem);

    private static Field[] Unknown(string problem) => [new Field(null, problem), new Field(null, problem)];

    private static long[] Ones(int n) => Enumerable.Repeat(1L, n).ToArray();

    private static Field[] Then(Field[] fields, WindowGeometry[] windows) => fields.Take(windows.Length).Select((f, a) =>
        f.Problem is not null ? f
        : windows[a].Validate($"axis {a}") is { Count: > 0 } problems ? new Field(null, string.Join(" ", problems))
        : new Field(f.Value!.Then(windows[a]), null)).ToArray();

    /// <summary>Where two branches meet: the smallest field covering both; their positions must step alike.</summary>
    private static Field Join(Field a, Field b)
    {
        if (a.Problem is not null) return a;
        if (b.Problem is not null) return b;
        var (x, y) = (a.Value!, b.Value!);
        if (x.Jump != y.Jump) return new Field(null, $"two branches meet with strides {x.Jump} and {y.Jump}");
        int start = Math.Min(x.Start, y.Start), end = Math.Max(x.Start + x.Size, y.Start + y.Size);
        return new Field(new ReceptiveField(end - start, x.Jump, start), null);
    }
}
