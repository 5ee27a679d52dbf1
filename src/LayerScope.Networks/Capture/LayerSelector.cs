using LayerScope.Errors;
using static TorchSharp.torch;

namespace LayerScope.Capture;

/// <summary>Looks up named layers in a TorchSharp module tree. Names are those of <c>named_modules()</c>: a field
/// name ("fc1"), or a dotted path for nested modules ("encoder.lstm").</summary>
public static class LayerSelector
{
    /// <summary>Every named submodule of <paramref name="model"/> in registration order (the root itself excluded).</summary>
    public static IReadOnlyList<(string Name, nn.Module Module)> NamedLayers(nn.Module model) =>
        model.named_modules().Where(pair => pair.name.Length > 0).Select(pair => (pair.name, pair.module)).ToList();

    /// <summary>The submodules with the given names, in the order asked. Throws <see cref="UnknownLayerException"/>
    /// for the first name the model lacks.</summary>
    public static IReadOnlyList<(string Name, nn.Module Module)> Select(nn.Module model, IEnumerable<string> layers)
    {
        var all = NamedLayers(model);
        var byName = all.ToDictionary(pair => pair.Name, pair => pair.Module, StringComparer.Ordinal);
        var selected = new List<(string, nn.Module)>();
        foreach (var layer in layers)
        {
            if (!byName.TryGetValue(layer, out var module))
            {
                var names = all.Select(pair => pair.Name).ToList();
                throw new UnknownLayerException(layer, names, NameSuggestions.Closest(layer, names));
            }
            selected.Add((layer, module));
        }
        return selected;
    }
}
