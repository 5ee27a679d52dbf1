using LayerScope.Capture;
using LayerScope.Errors;
using LayerScope.Gradients;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Attribution;

/// <summary>
/// A TorchSharp module (a zoo model, any <c>nn.Module&lt;Tensor, Tensor&gt;</c>) as an <see cref="IDifferentiableModel"/>:
/// forward hooks name the tensors (names of <c>named_modules()</c>, plus <see cref="OutputName"/> for the model's
/// result), so every gradient method runs on built-in and ONNX models alike. A gradient source or override names a
/// submodule; its hook returns the leaf or the replacement in place of the computed output, so later layers read it.
/// </summary>
/// <remarks>The module runs in evaluation mode (dropout off), so rows of a batch do not interact. Hooks fire only for
/// children invoked with <c>call()</c>, as the zoo models do.</remarks>
public sealed class ModuleDifferentiableModel(nn.Module<Tensor, Tensor> module, string inputName = "input") : IDifferentiableModel
{
    /// <summary>The name of the module's own result.</summary>
    public const string OutputName = "output";

    public nn.Module<Tensor, Tensor> Module { get; } = module ?? throw new ArgumentNullException(nameof(module));

    public IReadOnlyList<string> InputNames { get; } = [inputName];

    public DifferentiableForward Forward(IReadOnlyDictionary<string, Tensor> inputs, ForwardRequest request)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(request);
        if (inputs.Count != 1 || !inputs.TryGetValue(InputNames[0], out var input))
            throw new LayerScopeException($"the module takes one input named '{InputNames[0]}'; given: {string.Join(", ", inputs.Keys)}.");
        var sourceNames = request.GradientSources ?? [];
        var overrides = request.Overrides ?? new Dictionary<string, Tensor>();
        var hooked = request.Capture.Concat(sourceNames).Concat(overrides.Keys).Where(n => n != OutputName || HasChild(OutputName)).Distinct().ToList();
        var selected = LayerSelector.Select(Module, hooked);
        var captured = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var sources = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var removers = new List<Action>();
        Module.eval();
        using (var scope = NewDisposeScope())
        using (request.Gradients ? null : no_grad())
        {
            try
            {
                foreach (var (name, layer) in selected)
                {
                    if (layer is not nn.Module<Tensor, Tensor> plain)
                        throw new LayerScopeException($"layer '{name}' is a {layer.GetType().Name}; gradients and overrides are taken at layers that return one tensor.");
                    var handle = plain.register_forward_hook((_, _, output) =>
                    {
                        if (overrides.TryGetValue(name, out var replacement))
                        {
                            if (!replacement.shape.SequenceEqual(output.shape))
                                throw new LayerScopeException($"the override of '{name}' is [{string.Join(", ", replacement.shape)}]; the layer computes [{string.Join(", ", output.shape)}].");
                            output = replacement.detach().to_type(output.dtype);
                        }
                        if (request.Gradients && sourceNames.Contains(name))
                            output = sources[name] = output.detach().clone().requires_grad_(true);
                        // A copy (still in the graph): containers such as Sequential free their intermediate outputs
                        // once the next layer has read them. Gradient sources are kept as the leaves they are.
                        captured.TryAdd(name, sources.ContainsKey(name) ? output : output.clone());
                        return output;
                    });
                    removers.Add(handle.remove);
                }
                var feed = input;
                if (request.Gradients && request.GradientSources is null && input.is_floating_point())
                    feed = sources[InputNames[0]] = input.detach().clone().requires_grad_(true);
                var result = Module.call(feed);
                if (!HasChild(OutputName)) captured[OutputName] = result;
            }
            finally
            {
                foreach (var remove in removers) remove();
            }
            foreach (var name in request.Capture)
                if (!captured.ContainsKey(name)) throw new LayerScopeException($"layer '{name}' did not run in the forward pass, so nothing was captured.");
            var kept = request.Capture.ToDictionary(n => n, n => captured[n], StringComparer.Ordinal);
            foreach (var t in kept.Values.Concat(sources.Values).Distinct()) t.MoveToOuterDisposeScope();
            return new DifferentiableForward(kept, sources, null);
        }
    }

    private bool HasChild(string name) => Module.named_modules().Any(m => m.name == name);
}
