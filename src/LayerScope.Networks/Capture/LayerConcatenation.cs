using LayerScope.Interpretation;

namespace LayerScope.Capture;

/// <summary>Puts several layers' per-step states side by side: step t of the result is layer 0's units at t, then
/// layer 1's, and so on, so "all cells of all layers" can be embedded or searched as one matrix.</summary>
public static class LayerConcatenation
{
    /// <summary>The states of <paramref name="layers"/> (equal step counts) as one layer named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No layers, or their step counts differ.</exception>
    public static LayerStates Concatenate(IReadOnlyList<LayerStates> layers, string name)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("There are no layers to concatenate.", nameof(layers));
        int steps = layers[0].Steps;
        if (layers.Any(l => l.Steps != steps))
            throw new ArgumentException($"Layers have different step counts: {string.Join(", ", layers.Select(l => $"{l.Layer} {l.Steps}"))}.", nameof(layers));
        int units = layers.Sum(l => l.Units);
        var values = new float[(long)steps * units];
        for (int t = 0; t < steps; t++)
        {
            int offset = 0;
            foreach (var layer in layers)
            {
                Array.Copy(layer.Values, (long)t * layer.Units, values, (long)t * units + offset, layer.Units);
                offset += layer.Units;
            }
        }
        return new LayerStates(name, values, steps, units);
    }
}
