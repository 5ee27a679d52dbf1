using System.Diagnostics;
using LayerScope.Arrays;
using LayerScope.Errors;
using LayerScope.Onnx;
using LayerScope.Progress;
using LayerScope.Storage.Npy;

namespace LayerScope.Units;

/// <summary>Settings of <see cref="OnnxUnitScan.Run"/>.</summary>
public sealed record OnnxUnitScanOptions
{
    /// <summary>The layer to scan (tensor, node or module scope, as `layers` lists them); its tensor must be
    /// [N, C, H, W] or [N, C, L].</summary>
    public required string Layer { get; init; }

    /// <summary>Examples kept per channel.</summary>
    public int TopK { get; init; } = 9;

    /// <summary>Rows handed to ONNX Runtime per capture; only this many rows of the layer are in memory at once.</summary>
    public int ChunkRows { get; init; } = 512;

    /// <summary>Examples whose whole feature maps are kept.</summary>
    public IReadOnlyList<int> FeatureMapExamples { get; init; } = [];

    /// <summary>The model input the examples go to; null for the model's only input.</summary>
    public string? InputName { get; init; }

    public IReadOnlyList<string> Validate(long examples)
    {
        const string name = nameof(OnnxUnitScanOptions);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Layer)) problems.Add($"{name}.{nameof(Layer)} is empty: name a convolutional layer.");
        if (ChunkRows < 1) problems.Add($"{name}.{nameof(ChunkRows)} is {ChunkRows}; it must be at least 1.");
        problems.AddRange(LayerUnitFold.Validate(name, TopK, FeatureMapExamples, examples));
        return problems;
    }
}

/// <summary>
/// A stage: <see cref="UnitScan"/> for an ONNX model through ONNX Runtime alone (no gradients needed): the inputs go
/// through <see cref="OnnxActivationCapture"/> a chunk of rows at a time and each chunk of the layer is folded into
/// <see cref="ChannelTopActivations"/> and dropped, so memory holds one chunk, never N × C × H × W.
/// </summary>
public static class OnnxUnitScan
{
    public static UnitScanResult Run(OnnxModel model, Float32Array inputs, OnnxUnitScanOptions options,
        IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        InvalidSettingsException.ThrowIfAny(options.Validate(inputs.Count));
        int count = checked((int)inputs.Count);
        int perExample = checked((int)inputs.FeaturesPerExample);
        var exampleShape = inputs.Shape[1..];
        LayerUnitFold? fold = null;
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < count; start += options.ChunkRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int length = Math.Min(options.ChunkRows, count - start);
            var chunk = NpyArray.Create(inputs.Values.AsSpan(start * perExample, length * perExample).ToArray(), [length, .. exampleShape]);
            var captured = OnnxActivationCapture.Run(model, new OnnxCaptureOptions
            {
                Layers = [options.Layer], Inputs = [OnnxInputSource.FromArray(chunk, options.InputName)],
            }, cancellationToken: cancellationToken).Layers[0];
            var array = captured.ToFloat32Array();
            fold ??= LayerUnitFold.Start(options.Layer, array, options.TopK, options.FeatureMapExamples,
                $"{nameof(OnnxUnitScanOptions)}.{nameof(OnnxUnitScanOptions.Layer)}", captured.Reference.TensorName);
            fold.Add(array, start);
            progress?.Report(new StepProgress("scan units", start + length, count, options.Layer));
        }
        clock.Stop();
        if (fold is null) throw new InvalidSettingsException([$"{inputs.Name}: no examples to scan."]);
        return new UnitScanResult(new Dictionary<string, ChannelTopActivations> { [options.Layer] = fold.Top },
            new Dictionary<string, Float32Array> { [options.Layer] = fold.FeatureMaps() }, count, clock.Elapsed);
    }
}
