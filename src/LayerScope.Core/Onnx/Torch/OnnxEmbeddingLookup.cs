using LayerScope.Errors;
using LayerScope.Onnx.Proto;

namespace LayerScope.Onnx.Torch;

/// <summary>
/// Where a graph reads token ids: token ids have no gradient, so gradients of a text model are taken with respect
/// to the vectors the ids select. That is a Gather whose table (input 0) does not depend on the ids and whose
/// indices (input 1) are computed from the ids' values — nn.Embedding and Keras' Embedding both export as one.
/// </summary>
public static class OnnxEmbeddingLookup
{
    /// <summary>The outputs of the lookups that read <paramref name="input"/>, in graph order.</summary>
    public static IReadOnlyList<string> Candidates(GraphProto graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var fromIds = OnnxGraphReach.ValuesComputedFrom(graph, input);
        return graph.Nodes
            .Where(n => n.OpType == "Gather" && OnnxOperatorSet.IsDefaultDomain(n.Domain) && n.Inputs.Count >= 2 && n.Outputs.Count >= 1)
            .Where(n => !fromIds.Contains(n.Inputs[0]) && fromIds.Contains(n.Inputs[1]))
            .Select(n => n.Outputs[0])
            .ToList();
    }

    /// <summary>The output of the one embedding lookup that reads any of <paramref name="model"/>'s inputs: what
    /// gradients of a token-id model are taken with respect to when the caller names nothing.</summary>
    /// <param name="model">The model.</param>
    /// <param name="setting">The setting that names the tensor instead (for the message), e.g. <c>ExplainOptions.Embedding</c>.</param>
    /// <exception cref="InvalidSettingsException">No lookup reads the inputs, or more than one does.</exception>
    public static string Find(OnnxTorchModel model, string setting)
    {
        ArgumentNullException.ThrowIfNull(model);
        var file = model.Source.FileName;
        var ids = string.Join(", ", model.Inputs.Select(i => $"'{i.Name}' ({i.Describe()})"));
        var lookups = model.Inputs.SelectMany(i => Candidates(model.Source.Graph, i.Name)).Distinct().ToList();
        return lookups.Count switch
        {
            1 => lookups[0],
            0 => throw new InvalidSettingsException([$"{file}: input {ids} holds values which have no gradient, and no "
                + $"embedding lookup (a Gather of a table by those ids) reads it; name the tensor to differentiate with respect to in {setting}."]),
            _ => throw new InvalidSettingsException([$"{file}: input {ids} is read by {lookups.Count} embedding lookups "
                + $"({string.Join(", ", lookups)}); name the one to differentiate with respect to in {setting}."]),
        };
    }
}

/// <summary>Which tensors of a graph depend on a given one.</summary>
internal static class OnnxGraphReach
{
    /// <summary>Every tensor computed from <paramref name="start"/> (itself included).</summary>
    public static HashSet<string> DependentsOf(GraphProto graph, string start) => Reach(graph, start, throughShapes: true);

    /// <summary>Every tensor whose values are computed from <paramref name="start"/>'s values. Shape and Size read
    /// only its dimensions, so what they lead to (positions from a Range over the length) does not count.</summary>
    public static HashSet<string> ValuesComputedFrom(GraphProto graph, string start) => Reach(graph, start, throughShapes: false);

    private static HashSet<string> Reach(GraphProto graph, string start, bool throughShapes)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal) { start };
        // Nodes may be listed in any order; repeat until nothing new is reached (one pass for a sorted graph, plus one).
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var node in graph.Nodes)
            {
                if (!throughShapes && node.OpType is "Shape" or "Size") continue;
                if (!node.Inputs.Any(reached.Contains)) continue;
                foreach (var output in node.Outputs)
                    if (output.Length > 0 && reached.Add(output)) grew = true;
            }
        }
        return reached;
    }
}
