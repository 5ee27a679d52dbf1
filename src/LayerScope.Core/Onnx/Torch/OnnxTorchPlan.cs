using LayerScope.Onnx.Proto;

namespace LayerScope.Onnx.Torch;

/// <summary>
/// The checked execution order of a graph: every node with its operator, sorted so each runs after the nodes it
/// reads from (ONNX requires graph order to be topological; a file that breaks this is reordered, not trusted).
/// Built once at load, so an uncovered operator, a tensor nobody produces or a cycle is reported before anything runs.
/// Each step also knows which tensors nobody reads after it, so a pass can free them at once: the allocator then
/// reuses their memory instead of touching fresh pages for every intermediate of a large batch.
/// </summary>
internal sealed class OnnxTorchPlan
{
    private OnnxTorchPlan(IReadOnlyList<OnnxPlanStep> steps) => Steps = steps;

    public IReadOnlyList<OnnxPlanStep> Steps { get; }

    /// <param name="graph">The graph.</param>
    /// <param name="available">Names that exist before any node runs: graph inputs and initializers.</param>
    /// <param name="file">The model file, for messages.</param>
    public static OnnxTorchPlan Build(GraphProto graph, IReadOnlySet<string> available, string file)
    {
        var nodes = graph.Nodes;
        foreach (var node in nodes)
        {
            if (OnnxOperatorSet.IsDefaultDomain(node.Domain) && OnnxOperatorSet.Operators.ContainsKey(node.OpType)) continue;
            throw new UnsupportedOnnxOperatorException(file, node.OpType, node.Domain, NameOf(node, nodes), OnnxLayerTable.ScopeOf(node.Name), OnnxOperatorSet.Covered);
        }

        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
            foreach (var output in nodes[i].Outputs.Where(o => o.Length > 0))
            {
                if (available.Contains(output))
                    throw new MalformedOnnxGraphException(file, NameOf(nodes[i], nodes), $"writes '{output}', which is already a graph input or initializer.");
                if (!producer.TryAdd(output, i))
                    throw new MalformedOnnxGraphException(file, NameOf(nodes[i], nodes), $"writes '{output}', which node '{NameOf(nodes[producer[output]], nodes)}' writes too.");
            }

        // Kahn's algorithm, taking ready nodes in file order so a well-formed graph keeps its order.
        var waiting = new int[nodes.Count];
        var readers = new List<int>[nodes.Count];
        for (int i = 0; i < nodes.Count; i++) readers[i] = [];
        for (int i = 0; i < nodes.Count; i++)
            foreach (var input in nodes[i].Inputs.Where(x => x.Length > 0).Distinct(StringComparer.Ordinal))
            {
                if (available.Contains(input)) continue;
                if (!producer.TryGetValue(input, out int from))
                    throw new MalformedOnnxGraphException(file, NameOf(nodes[i], nodes),
                        $"reads '{input}', which no node produces and which is neither a graph input nor an initializer.");
                waiting[i]++;
                readers[from].Add(i);
            }
        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < nodes.Count; i++) if (waiting[i] == 0) ready.Enqueue(i, i);
        var order = new List<NodeProto>(nodes.Count);
        while (ready.TryDequeue(out int i, out _))
        {
            order.Add(nodes[i]);
            foreach (int reader in readers[i])
                if (--waiting[reader] == 0) ready.Enqueue(reader, reader);
        }
        if (order.Count < nodes.Count)
        {
            var stuck = Enumerable.Range(0, nodes.Count).Where(i => waiting[i] > 0).Select(i => NameOf(nodes[i], nodes)).ToList();
            throw new MalformedOnnxGraphException(file, stuck[0],
                $"is part of a cycle: nodes {string.Join(", ", stuck.Select(s => $"'{s}'"))} each wait for another's output.");
        }
        foreach (var output in graph.Outputs)
            if (!available.Contains(output.Name) && !producer.ContainsKey(output.Name))
                throw new MalformedOnnxGraphException(file, "(graph output)", $"'{output.Name}' is a graph output that no node produces.");
        // The last step that touches each tensor (reads it, or writes it when nobody reads it); graph outputs stay.
        var lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int step = 0; step < order.Count; step++)
            foreach (var name in order[step].Inputs.Concat(order[step].Outputs).Where(x => x.Length > 0))
                lastUse[name] = step;
        var graphOutputs = graph.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var release = order.Select(_ => new List<string>()).ToArray();
        foreach (var (name, step) in lastUse)
            if (!graphOutputs.Contains(name)) release[step].Add(name);
        // Inputs a node may overwrite in a pass without autograd: read by this node alone (once), written by a node
        // whose output is always a tensor of its own (never a view of its input), and not a graph output.
        var reads = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in order.SelectMany(n => n.Inputs).Where(x => x.Length > 0))
            reads[name] = reads.GetValueOrDefault(name) + 1;
        var statics = StaticValues(order, graph.Initializers.Select(i => i.Name));
        var staticOutputs = order.Where((_, step) => statics[step] != OnnxStaticValue.No).SelectMany(n => n.Outputs).ToHashSet(StringComparer.Ordinal);
        // A value kept between passes (OnnxStaticValue) is shared by them: no node may write into it.
        bool Overwritable(string name) => name.Length > 0 && reads[name] == 1 && !graphOutputs.Contains(name)
            && producer.TryGetValue(name, out int from) && FreshOutputs.Contains(nodes[from].OpType) && !staticOutputs.Contains(name);
        return new OnnxTorchPlan(order.Select((node, step) => new OnnxPlanStep(node, OnnxOperatorSet.Operators[node.OpType],
            OnnxNodeContext.AttributesOf(node), release[step], node.Inputs.Select(Overwritable).ToArray(), statics[step])).ToList());
    }

    /// <summary>
    /// Which steps compute the same values on every pass with the same input shapes: Constants and what is computed
    /// from initializers and constants alone (<see cref="OnnxStaticValue.Always"/>), and what is computed from the
    /// graph inputs' shapes (Shape, Size) and such values (<see cref="OnnxStaticValue.PerInputShapes"/>). An exported
    /// text or sequence model rebuilds its zero initial states from the batch size on every pass through a dozen tiny
    /// nodes (Shape, Gather, Unsqueeze, Concat, ConstantOfShape, Slice), which a pass then takes from the cache.
    /// Shape is only static when its input's shape follows from the graph inputs' shapes: a tensor whose shape
    /// depends on values (a Reshape to a shape computed from data, a Range) makes every Shape of it, and all that
    /// follows, computed again each pass.
    /// </summary>
    private static OnnxStaticValue[] StaticValues(List<NodeProto> order, IEnumerable<string> initializers)
    {
        // Per tensor: its value is static (and whether it depends on the input shapes), its shape follows from the
        // input shapes. Graph inputs have static shapes and no static value; absent names (optional inputs) are neither read.
        var value = new Dictionary<string, OnnxStaticValue>(StringComparer.Ordinal);
        var shapeStatic = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in initializers) { value[name] = OnnxStaticValue.Always; shapeStatic.Add(name); }
        OnnxStaticValue ValueOf(string name) => value.GetValueOrDefault(name, OnnxStaticValue.No);
        bool ShapeStatic(string name) => shapeStatic.Contains(name) || !value.ContainsKey(name) && !Produced(name);
        var produced = new HashSet<string>(order.SelectMany(n => n.Outputs).Where(o => o.Length > 0), StringComparer.Ordinal);
        bool Produced(string name) => produced.Contains(name);
        var result = new OnnxStaticValue[order.Count];
        for (int step = 0; step < order.Count; step++)
        {
            var node = order[step];
            var inputs = node.Inputs.Where(i => i.Length > 0).ToList();
            OnnxStaticValue kind;
            bool shapeFollows;
            if (node.OpType == "Constant")
                (kind, shapeFollows) = (OnnxStaticValue.Always, true);
            else if (node.OpType is "Shape" or "Size")
                (kind, shapeFollows) = (inputs.Count == 1 && ShapeStatic(inputs[0]) ? OnnxStaticValue.PerInputShapes : OnnxStaticValue.No, true);
            else
            {
                var kinds = inputs.Select(ValueOf).ToList();
                kind = inputs.Count == 0 || kinds.Contains(OnnxStaticValue.No) ? OnnxStaticValue.No
                    : kinds.Contains(OnnxStaticValue.PerInputShapes) ? OnnxStaticValue.PerInputShapes : OnnxStaticValue.Always;
                shapeFollows = kind != OnnxStaticValue.No
                    || inputs.All(ShapeStatic) && ShapingInputs(node.OpType).All(i => i >= node.Inputs.Count || node.Inputs[i].Length == 0
                        || ValueOf(node.Inputs[i]) != OnnxStaticValue.No);
            }
            result[step] = kind;
            foreach (var output in node.Outputs.Where(o => o.Length > 0))
            {
                if (kind != OnnxStaticValue.No) value[output] = kind;
                if (shapeFollows) shapeStatic.Add(output);
            }
        }
        return result;
    }

    /// <summary>The inputs of an operator whose values (not only shapes) decide its output's shape; every other
    /// covered operator's output shape follows from its inputs' shapes and its attributes.</summary>
    private static int[] ShapingInputs(string opType) => opType switch
    {
        "Reshape" or "Expand" or "Tile" or "Split" or "Squeeze" or "Unsqueeze" => [1],
        "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceMin" or "ReduceProd" or "ReduceSumSquare" or "ReduceL2" => [1],
        "ConstantOfShape" => [0],
        "Slice" => [1, 2, 3, 4],
        "Pad" => [1, 3],
        "Range" => [0, 1, 2],
        _ => [],
    };

    /// <summary>Operators whose every output is a new tensor (the executor's implementation never returns an input, a
    /// view of one or an initializer), so a sole reader may overwrite it.</summary>
    private static readonly HashSet<string> FreshOutputs = new(StringComparer.Ordinal)
    {
        "Conv", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "LeakyRelu", "Elu", "Sigmoid", "Tanh", "Erf",
        "BatchNormalization", "LayerNormalization",
    };

    /// <summary>A node's name, or "#index OpType" for the unnamed nodes of hand-made graphs.</summary>
    public static string NameOf(NodeProto node, IReadOnlyList<NodeProto> nodes)
    {
        if (node.Name.Length > 0) return node.Name;
        int index = -1;
        for (int i = 0; i < nodes.Count; i++) if (ReferenceEquals(nodes[i], node)) { index = i; break; }
        return $"#{index} {node.OpType}";
    }
}

/// <summary>One node of the plan: its operator, its attributes (read once), the tensors that are dead once it has
/// run (unless a caller asked for them), per input whether this node is its only reader and it is a fresh
/// tensor of the pass (see <see cref="OnnxNodeContext.MayOverwrite"/>), and whether its outputs may be kept between passes.</summary>
internal sealed record OnnxPlanStep(NodeProto Node, OnnxOperator Operator, IReadOnlyDictionary<string, AttributeProto> Attributes,
    IReadOnlyList<string> ReleaseAfter, IReadOnlyList<bool> SoleReader, OnnxStaticValue Static = OnnxStaticValue.No);

/// <summary>Whether a step's outputs are the same on every pass (see OnnxTorchPlan.StaticValues).</summary>
internal enum OnnxStaticValue
{
    /// <summary>They depend on the inputs' values.</summary>
    No,

    /// <summary>On every pass: constants and what follows from initializers and constants alone.</summary>
    Always,

    /// <summary>On every pass whose graph inputs have the same shapes.</summary>
    PerInputShapes,
}
