using LayerScope.Errors;
using static TorchSharp.torch;

namespace LayerScope.Gradients;

/// <summary>
/// The result of one forward pass: the captured tensors by the names they were asked for, the gradient sources, and
/// the autograd graph that links them. Disposing it frees the tensors it holds.
/// </summary>
public sealed class DifferentiableForward : IDisposable
{
    private readonly Dictionary<string, Tensor> _captured;
    private readonly Dictionary<string, Tensor> _sources;
    private readonly IDisposable? _owner;

    public DifferentiableForward(Dictionary<string, Tensor> captured, Dictionary<string, Tensor> sources, IDisposable? owner)
    {
        _captured = captured;
        _sources = sources;
        _owner = owner;
    }

    /// <summary>The captured tensors, keyed by the names the request used.</summary>
    public IReadOnlyDictionary<string, Tensor> Captured => _captured;

    /// <summary>The tensors gradients can be taken with respect to (leaves with requires_grad), by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Sources => _sources;

    public Tensor this[string name] => _captured.TryGetValue(name, out var t) ? t
        : throw new LayerScopeException($"'{name}' was not captured; captured: {string.Join(", ", _captured.Keys)}.");

    /// <summary>The gradient of <paramref name="selector"/> applied to captured tensor <paramref name="target"/>, with
    /// respect to source <paramref name="source"/> (the only source when null). Zeros where the source does not reach
    /// the target. The graph is kept, so several gradients can be taken from one forward pass.</summary>
    public Tensor Gradient(string target, GradientSelector selector, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var of = this[target];
        var wrt = source is null
            ? _sources.Count == 1 ? _sources.Values.Single()
                : throw new LayerScopeException($"Name the gradient source; this forward pass has {_sources.Count}: {string.Join(", ", _sources.Keys)}.")
            : _sources.TryGetValue(source, out var s) ? s
                : throw new LayerScopeException($"'{source}' is not a gradient source of this forward pass; sources: {string.Join(", ", _sources.Keys)}. "
                    + "Name it in ForwardRequest.GradientSources.");
        if (!of.requires_grad) return zeros_like(wrt);
        using var scalar = selector.Reduce(of);
        var grads = autograd.grad([scalar], [wrt], retain_graph: true, allow_unused: true);
        return grads[0] is { } g && !g.IsInvalid ? g : zeros_like(wrt);
    }

    public void Dispose()
    {
        foreach (var t in _captured.Values) t.Dispose();
        foreach (var t in _sources.Values) t.Dispose();
        _owner?.Dispose();
    }
}
