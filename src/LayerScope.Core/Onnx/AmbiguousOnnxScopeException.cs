using LayerScope.Errors;

namespace LayerScope.Onnx;

/// <summary>A module scope has several tensors used outside it (a module returning a tuple), so the scope alone does
/// not say which one to capture. The message lists them.</summary>
public sealed class AmbiguousOnnxScopeException : LayerScopeException
{
    public AmbiguousOnnxScopeException(string scope, IReadOnlyList<string> candidates)
        : base($"Module scope '{scope}' has {candidates.Count} tensors used outside it: "
            + string.Join(", ", candidates) + ". Name one of them as the layer.")
    {
        Scope = scope;
        Candidates = candidates;
    }

    public string Scope { get; }
    public IReadOnlyList<string> Candidates { get; }
}
