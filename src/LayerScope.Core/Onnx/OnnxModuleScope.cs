namespace LayerScope.Onnx;

/// <summary>
/// A module scope: the nodes whose names start with <see cref="Path"/> + "/" (torch.onnx.export names nodes after
/// the module that ran them, "/encoder/layer.0/attention/MatMul"). A scope contains its sub-scopes' nodes.
/// </summary>
/// <param name="Path">"/lstm", "/encoder/layer.0".</param>
/// <param name="Nodes">The nodes inside, in graph order.</param>
/// <param name="LeavingTensors">Tensors produced inside and used outside (by a node outside or as a graph output),
/// in graph order: what the module returned.</param>
/// <param name="Output">The tensor that stands for the module's output, or null when that is ambiguous.</param>
public sealed record OnnxModuleScope(string Path, IReadOnlyList<OnnxNodeInfo> Nodes, IReadOnlyList<string> LeavingTensors, string? Output)
{
    /// <summary>The scope as PyTorch names the module: "/encoder/layer.0" is "encoder.layer.0".</summary>
    public string ModuleName => Path.Trim('/').Replace('/', '.');
}
