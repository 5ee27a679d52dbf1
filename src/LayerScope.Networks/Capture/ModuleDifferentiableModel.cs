using LayerScope.Errors;
using LayerScope.Gradients;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Capture;

/// <summary>
/// A TorchSharp model behind <see cref="IDifferentiableModel"/>: its one input is called <see cref="InputName"/>, and
/// captured names are module names (<c>named_modules()</c>, "conv1"), recorded by forward hooks with their autograd
/// graph, so gradient methods written for ONNX models (<see cref="Onnx.Torch.OnnxTorchModel"/>) run on zoo models too.
/// The model is run in evaluation mode; the caller's input is copied into a leaf, never modified.
/// </summary>
public sealed class ModuleDifferentiableModel : IDifferentiableModel
{
    private readonly nn.Module<Tensor, Tensor> _model;

    public ModuleDifferentiableModel(nn.Module<Tensor, Tensor> model, string inputName = "input")
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        InputName = inputName;
    }

    /// <summary>The name of the model's one input.</summary>
    public string InputName { get; }

    public IReadOnlyList<string> InputNames => [InputName];

    public DifferentiableForward Forward(IReadOnlyDictionary<string, Tensor> inputs, ForwardRequest request)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(request);
        if (!inputs.TryGetValue(InputName, out var given) || inputs.Count != 1)
            throw new LayerScopeException($"the model takes one input, '{InputName}'; given: {string.Join(", ", inputs.Keys)}.");
        if (request.GradientSources is { Count: > 0 } || request.Overrides is { Count: > 0 })
            throw new LayerScopeException("a TorchSharp model takes gradients with respect to its input only; ForwardRequest.GradientSources and Overrides must be empty.");
        var modules = LayerSelector.Select(_model, request.Capture);
        var captured = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var sources = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var removers = new List<Action>();
        bool wasTraining = _model.training;
        _model.eval();
        try
        {
            using (var scope = NewDisposeScope())
            using (request.Gradients ? null : no_grad())
            {
                foreach (var (name, module) in modules)
                {
                    if (module is not nn.Module<Tensor, Tensor> plain)
                        throw new LayerScopeException($"layer '{name}' is a {module.GetType().Name}; only layers that return one tensor can be captured here.");
                    var handle = plain.register_forward_hook((_, _, output) =>
                    {
                        // An alias (a new handle on the same tensor and graph): containers such as Sequential dispose
                        // their intermediate outputs, which would free the captured handle under the caller.
                        if (!captured.ContainsKey(name)) captured[name] = output.alias();
                        return output;
                    });
                    removers.Add(handle.remove);
                }
                var leaf = given.detach().clone().requires_grad_(request.Gradients);
                sources[InputName] = leaf;
                _model.call(leaf);
                var missing = request.Capture.Where(n => !captured.ContainsKey(n)).ToList();
                if (missing.Count > 0)
                    throw new LayerScopeException($"layer(s) {string.Join(", ", missing)} did not run; a module fires its hooks only when invoked with call().");
                foreach (var t in captured.Values.Concat(sources.Values).Distinct()) t.MoveToOuterDisposeScope();
            }
        }
        finally
        {
            foreach (var remove in removers) remove();
            _model.train(wasTraining);
        }
        return new DifferentiableForward(captured, sources, null);
    }
}
