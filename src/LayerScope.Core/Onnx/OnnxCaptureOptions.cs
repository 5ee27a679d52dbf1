using System.Globalization;

namespace LayerScope.Onnx;

/// <summary>What <see cref="OnnxActivationCapture.Run"/> captures, from what, and where it writes.</summary>
public sealed record OnnxCaptureOptions
{
    /// <summary>The default number of rows per ONNX Runtime call.</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>Layers to capture: tensor names, node names or module scopes (see <see cref="OnnxLayerTable.Resolve"/>).</summary>
    public required IReadOnlyList<string> Layers { get; init; }

    /// <summary>One source per model input (a model with one input needs no input names).</summary>
    public required IReadOnlyList<OnnxInputSource> Inputs { get; init; }

    /// <summary>Rows per ONNX Runtime call. Results do not depend on it; memory does. A model whose input has a fixed
    /// leading dimension uses that instead.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>An .npy file (one layer) or an .npz archive (any number of layers), written incrementally; null keeps
    /// the arrays in memory (<see cref="OnnxCapturedLayer.Values"/>).</summary>
    public string? OutputPath { get; init; }

    /// <summary>Threads per operator; 0 lets ONNX Runtime choose.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Every problem with these options, each naming the setting, the value and what is expected.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Layers is null || Layers.Count == 0) problems.Add("layers: none given; name at least one tensor, node or module scope.");
        else if (Layers.Any(string.IsNullOrWhiteSpace)) problems.Add("layers: an empty layer name was given.");
        if (Inputs is null || Inputs.Count == 0) problems.Add("inputs: none given; pass an .npy file per model input.");
        if (BatchSize < 1) problems.Add(string.Create(CultureInfo.InvariantCulture, $"batch size {BatchSize}: must be at least 1."));
        if (IntraOpThreads < 0) problems.Add(string.Create(CultureInfo.InvariantCulture, $"threads {IntraOpThreads}: must be 0 (automatic) or more."));
        if (OutputPath is not null)
        {
            var extension = Path.GetExtension(OutputPath).ToLowerInvariant();
            if (extension is not (".npy" or ".npz"))
                problems.Add($"output {OutputPath}: must end in .npy (one layer) or .npz (any number of layers).");
            else if (extension == ".npy" && Layers is { Count: > 1 })
                problems.Add($"output {OutputPath}: an .npy file holds one array, but {Layers.Count} layers were asked for; write an .npz archive.");
        }
        return problems;
    }
}
