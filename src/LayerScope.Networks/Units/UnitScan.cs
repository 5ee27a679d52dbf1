using System.Diagnostics;
using LayerScope.Arrays;
using LayerScope.Errors;
using LayerScope.Gradients;
using LayerScope.Progress;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Units;

/// <summary>Settings of <see cref="UnitScan.Run"/>.</summary>
public sealed record UnitScanOptions
{
    /// <summary>The layers to scan: each output must be [N, C, H, W] or [N, C, L].</summary>
    public required IReadOnlyList<string> Layers { get; init; }

    /// <summary>Examples kept per channel (the Deep Visualization Toolbox shows nine).</summary>
    public int TopK { get; init; } = 9;

    /// <summary>Examples per forward pass.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>Examples whose whole feature maps are kept (for the feature-map grids); everything else is dropped
    /// after its batch is folded into the top-k.</summary>
    public IReadOnlyList<int> FeatureMapExamples { get; init; } = [];

    /// <summary>The model input the examples go to; null for the model's only input.</summary>
    public string? InputName { get; init; }

    public IReadOnlyList<string> Validate(long examples)
    {
        const string name = nameof(UnitScanOptions);
        var problems = new List<string>();
        if (Layers is null || Layers.Count == 0) problems.Add($"{name}.{nameof(Layers)} is empty: name at least one convolutional layer.");
        if (BatchSize < 1) problems.Add($"{name}.{nameof(BatchSize)} is {BatchSize}; it must be at least 1.");
        problems.AddRange(LayerUnitFold.Validate(name, TopK, FeatureMapExamples, examples));
        return problems;
    }
}

/// <summary>What <see cref="UnitScan.Run"/> found.</summary>
/// <param name="Layers">Per layer, the top-k hits and mean activation of every channel.</param>
/// <param name="FeatureMaps">Per layer, the maps of <see cref="UnitScanOptions.FeatureMapExamples"/> in that order,
/// [examples, C, H, W] (or [examples, C, L]): exactly the layer's output for those examples.</param>
/// <param name="Examples">Examples scanned.</param>
/// <param name="Elapsed">Time of the scan (forward passes and folding).</param>
public sealed record UnitScanResult(IReadOnlyDictionary<string, ChannelTopActivations> Layers, IReadOnlyDictionary<string, Float32Array> FeatureMaps,
    int Examples, TimeSpan Elapsed)
{
    public double ExamplesPerSecond => Elapsed.TotalSeconds > 0 ? Examples / Elapsed.TotalSeconds : double.PositiveInfinity;
}

/// <summary>
/// A stage: one pass over a data set through a differentiable model (a zoo module or an ONNX graph), folding every
/// batch of each convolutional layer into <see cref="ChannelTopActivations"/> and keeping only the feature maps of a
/// few chosen examples.
/// </summary>
public static class UnitScan
{
    /// <summary>Scans <paramref name="inputs"/> ([N, ...] examples in the model's input layout) through
    /// <paramref name="model"/> once, batch by batch.</summary>
    public static UnitScanResult Run(IDifferentiableModel model, Float32Array inputs, UnitScanOptions options,
        IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        InvalidSettingsException.ThrowIfAny(options.Validate(inputs.Count));
        var inputName = options.InputName ?? (model.InputNames.Count == 1 ? model.InputNames[0]
            : throw new InvalidSettingsException([$"{nameof(UnitScanOptions)}.{nameof(UnitScanOptions.InputName)} is not set and the model has {model.InputNames.Count} inputs: {string.Join(", ", model.InputNames)}."]));
        int count = checked((int)inputs.Count);
        var exampleShape = inputs.Shape[1..];
        int perExample = checked((int)inputs.FeaturesPerExample);
        var folds = new Dictionary<string, LayerUnitFold>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < count; start += options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int length = Math.Min(options.BatchSize, count - start);
            using var scope = torch.NewDisposeScope();
            var batch = torch.tensor(inputs.Values.AsSpan(start * perExample, length * perExample).ToArray(), [length, .. exampleShape]);
            using var forward = model.Forward(new Dictionary<string, Tensor> { [inputName] = batch }, new ForwardRequest(options.Layers, Gradients: false));
            foreach (var layer in options.Layers)
            {
                var values = forward[layer].detach().to(ScalarType.Float32).contiguous();
                var array = new Float32Array(layer, values.data<float>().ToArray(), values.shape);
                if (!folds.TryGetValue(layer, out var fold))
                    folds[layer] = fold = LayerUnitFold.Start(layer, array, options.TopK, options.FeatureMapExamples, $"{nameof(UnitScanOptions)}.{nameof(UnitScanOptions.Layers)}");
                fold.Add(array, start);
            }
            progress?.Report(new StepProgress("scan units", start + length, count, string.Join(", ", options.Layers)));
        }
        clock.Stop();
        return new UnitScanResult(folds.ToDictionary(f => f.Key, f => f.Value.Top, StringComparer.Ordinal),
            folds.ToDictionary(f => f.Key, f => f.Value.FeatureMaps(), StringComparer.Ordinal), count, clock.Elapsed);
    }
}
