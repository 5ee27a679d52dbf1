using LayerScope.Errors;
using LayerScope.Onnx.Proto;

namespace LayerScope.Onnx;

/// <summary>
/// Everything a user can name as a layer: the graph's inputs and outputs, every node (grouped by module scope) with
/// its output tensors, and the module scopes. <see cref="Resolve"/> turns a tensor name, a node name or a module scope
/// into the tensor to capture.
/// </summary>
public sealed class OnnxLayerTable
{
    // Ops that compute shapes and constants: their outputs cross module boundaries without being what a module
    // returns (x.size(0) inside a module, constants shared by the exporter).
    private static readonly HashSet<string> ShapeOps = new(StringComparer.Ordinal) { "Shape", "Size", "Constant", "ConstantOfShape" };

    private readonly Dictionary<string, OnnxTensorInfo> _tensors;
    private readonly Dictionary<string, OnnxNodeInfo> _nodesByName;
    private readonly Dictionary<string, OnnxModuleScope> _scopesByPath;

    internal OnnxLayerTable(string modelName, GraphProto graph, Func<string, OnnxTensorInfo> describe, string? dryRunProblem)
    {
        ModelName = modelName;
        DryRunProblem = dryRunProblem;
        var initializers = graph.Initializers.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        Inputs = graph.Inputs.Where(i => !initializers.Contains(i.Name)).Select(i => describe(i.Name)).ToList();
        Outputs = graph.Outputs.Select(o => describe(o.Name)).ToList();
        Nodes = graph.Nodes.Select(n => new OnnxNodeInfo(
                n.Name, n.OpType, ScopeOf(n.Name), n.Inputs,
                n.Outputs.Where(o => o.Length > 0).Select(describe).ToList()))
            .ToList();

        _tensors = new Dictionary<string, OnnxTensorInfo>(StringComparer.Ordinal);
        foreach (var tensor in Inputs.Concat(Nodes.SelectMany(n => n.Outputs)).Concat(Outputs))
            _tensors.TryAdd(tensor.Name, tensor);
        _nodesByName = new Dictionary<string, OnnxNodeInfo>(StringComparer.Ordinal);
        foreach (var node in Nodes.Where(n => n.Name.Length > 0))
            _nodesByName.TryAdd(node.Name, node);

        Scopes = BuildScopes(Nodes, Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal));
        _scopesByPath = Scopes.ToDictionary(s => s.Path, StringComparer.Ordinal);
    }

    /// <summary>The model file name, for messages.</summary>
    public string ModelName { get; }

    /// <summary>The graph inputs a caller feeds (initializers listed as inputs by old exporters are left out).</summary>
    public IReadOnlyList<OnnxTensorInfo> Inputs { get; }

    public IReadOnlyList<OnnxTensorInfo> Outputs { get; }

    /// <summary>Every node in graph (topological) order.</summary>
    public IReadOnlyList<OnnxNodeInfo> Nodes { get; }

    /// <summary>Every module scope, outer before inner, in order of first appearance.</summary>
    public IReadOnlyList<OnnxModuleScope> Scopes { get; }

    /// <summary>Why shapes missing from the model could not be found by a dry run; null when it ran or was not needed.</summary>
    public string? DryRunProblem { get; }

    /// <summary>The tensor named <paramref name="name"/>, or null.</summary>
    public OnnxTensorInfo? FindTensor(string name) => _tensors.GetValueOrDefault(name);

    /// <summary>The module scope <paramref name="name"/> ("lstm", "/lstm", "/lstm/" or "encoder.layer.0"), or null.</summary>
    public OnnxModuleScope? FindScope(string name)
    {
        var trimmed = name.Trim().Trim('/');
        if (trimmed.Length == 0) return null;
        if (_scopesByPath.TryGetValue("/" + trimmed, out var scope)) return scope;
        return Scopes.FirstOrDefault(s => string.Equals(s.ModuleName, trimmed, StringComparison.Ordinal));
    }

    /// <summary>
    /// The tensor that <paramref name="layer"/> names. Tried in order: a tensor name, a node name (its first output),
    /// a module scope (the tensor leaving it).
    /// </summary>
    /// <exception cref="UnknownOnnxLayerException">Nothing matches; the message lists near matches.</exception>
    /// <exception cref="AmbiguousOnnxScopeException">A scope has several tensors used outside it.</exception>
    public OnnxLayerReference Resolve(string layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (_tensors.ContainsKey(layer)) return new OnnxLayerReference(layer, layer, OnnxLayerKind.Tensor);
        if (_nodesByName.TryGetValue(layer, out var node) && node.Outputs.Count > 0)
            return new OnnxLayerReference(layer, node.Outputs[0].Name, OnnxLayerKind.Node);
        if (FindScope(layer) is { } scope)
        {
            if (scope.Output is not null) return new OnnxLayerReference(layer, scope.Output, OnnxLayerKind.ModuleScope);
            if (scope.LeavingTensors.Count == 0)
                throw new AmbiguousOnnxScopeException(scope.Path, []);
            throw new AmbiguousOnnxScopeException(scope.Path,
                scope.LeavingTensors.Select(t => $"{t} {_tensors.GetValueOrDefault(t)?.Describe()}".TrimEnd()).ToList());
        }
        var names = _tensors.Keys.Concat(_nodesByName.Keys).Concat(Scopes.Select(s => s.Path));
        throw new UnknownOnnxLayerException(layer, ModelName, NameSuggestions.Closest(layer, names));
    }

    /// <summary>"/lstm/LSTM" is in scope "/lstm"; "/Sigmoid" and "Constant_4" are at the top level ("").</summary>
    public static string ScopeOf(string nodeName)
    {
        if (!nodeName.StartsWith('/')) return "";
        int last = nodeName.LastIndexOf('/');
        return last <= 0 ? "" : nodeName[..last];
    }

    private static List<OnnxModuleScope> BuildScopes(IReadOnlyList<OnnxNodeInfo> nodes, HashSet<string> graphOutputs)
    {
        // Every prefix of a node's scope is a scope too: "/a/b/Op" is in "/a/b" and in "/a".
        var members = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int i = 0; i < nodes.Count; i++)
        {
            var segments = nodes[i].Scope.Split('/', StringSplitOptions.RemoveEmptyEntries);
            for (int depth = 1; depth <= segments.Length; depth++)
            {
                var prefix = "/" + string.Join('/', segments.Take(depth));
                if (!members.TryGetValue(prefix, out var list)) { members[prefix] = list = []; order.Add(prefix); }
                list.Add(i);
            }
        }

        var consumers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
            foreach (var input in nodes[i].Inputs.Where(x => x.Length > 0))
            {
                if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = [];
                list.Add(i);
            }

        var scopes = new List<OnnxModuleScope>(order.Count);
        foreach (var path in order)
        {
            var inside = members[path].ToHashSet();
            var leaving = new List<string>();
            var producers = new Dictionary<string, OnnxNodeInfo>(StringComparer.Ordinal);
            foreach (int i in members[path])
                foreach (var output in nodes[i].Outputs)
                {
                    producers[output.Name] = nodes[i];
                    bool usedOutside = graphOutputs.Contains(output.Name)
                        || (consumers.TryGetValue(output.Name, out var users) && users.Any(u => !inside.Contains(u)));
                    if (usedOutside) leaving.Add(output.Name);
                }
            scopes.Add(new OnnxModuleScope(path, members[path].Select(i => nodes[i]).ToList(), leaving, ChooseOutput(leaving, producers)));
        }
        return scopes;
    }

    private static string? ChooseOutput(List<string> leaving, Dictionary<string, OnnxNodeInfo> producers)
    {
        if (leaving.Count == 1) return leaving[0];
        var values = leaving.Where(t => !ShapeOps.Contains(producers[t].OpType)).ToList();
        return values.Count == 1 ? values[0] : null;
    }
}
