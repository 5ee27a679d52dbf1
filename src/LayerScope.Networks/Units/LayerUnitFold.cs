using LayerScope.Arrays;
using LayerScope.Errors;

namespace LayerScope.Units;

/// <summary>One layer's state during a unit scan (<see cref="UnitScan"/>, <see cref="OnnxUnitScan"/>): the top-k per
/// channel, and the whole maps of the few examples that are kept; everything else in a batch is dropped once folded.</summary>
internal sealed class LayerUnitFold
{
    private readonly ILookup<int, int> _kept;
    private readonly float[] _maps;
    private readonly long[] _mapShape;

    private LayerUnitFold(ChannelTopActivations top, IReadOnlyList<int> featureMapExamples, long[] exampleShape)
    {
        Top = top;
        _kept = featureMapExamples.Select((example, slot) => (example, slot)).ToLookup(p => p.example, p => p.slot);
        _mapShape = [featureMapExamples.Count, .. exampleShape];
        _maps = new float[featureMapExamples.Count * Shapes.Product(exampleShape)];
    }

    public ChannelTopActivations Top { get; }

    /// <summary>A fold for the layer whose first batch is <paramref name="first"/>; refuses a tensor that is not
    /// [N, C, H, W] or [N, C, L], naming <paramref name="setting"/>.</summary>
    public static LayerUnitFold Start(string layer, Float32Array first, int topK, IReadOnlyList<int> featureMapExamples, string setting, string? tensor = null)
    {
        if (first.Shape.Length is not (3 or 4))
            throw new InvalidSettingsException([$"{setting}: '{layer}'{(tensor is null || tensor == layer ? "" : $" (tensor '{tensor}')")} has shape {first.ShapeText}; "
                + "channel units need a convolution's output, [N, C, H, W] or [N, C, L]."]);
        return new LayerUnitFold(new ChannelTopActivations(layer, (int)first.Shape[1], topK), featureMapExamples, first.Shape[1..]);
    }

    /// <summary>Folds a batch whose first example is example <paramref name="start"/> of the scan.</summary>
    public void Add(Float32Array batch, int start)
    {
        Top.Add(batch, start);
        int size = (int)batch.FeaturesPerExample;
        for (int b = 0; b < batch.Count; b++)
            foreach (var slot in _kept[start + b])
                batch.Values.AsSpan(b * size, size).CopyTo(_maps.AsSpan(slot * size, size));
    }

    public Float32Array FeatureMaps() => new(Top.Layer, _maps, _mapShape);

    /// <summary>The problems with the settings every scan shares.</summary>
    public static IEnumerable<string> Validate(string name, int topK, IReadOnlyList<int>? featureMapExamples, long examples)
    {
        if (topK < 1) yield return $"{name}.TopK is {topK}; it must be at least 1.";
        foreach (var e in featureMapExamples ?? [])
            if (e < 0 || e >= examples) yield return $"{name}.FeatureMapExamples holds {e}, outside the {examples} examples.";
    }
}
