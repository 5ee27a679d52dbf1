using LayerScope.Errors;
using LayerScope.Reduction;

namespace LayerScope.Workflows.Inspection;

/// <summary>What <c>layerscope inspect</c> looks at and how.</summary>
public sealed record InspectOptions
{
    /// <summary>The ONNX model file.</summary>
    public required string ModelPath { get; init; }

    /// <summary>A tensor name, node name or module scope (see <c>layerscope layers --model</c>).</summary>
    public required string Layer { get; init; }

    /// <summary>The .npy file of input rows.</summary>
    public required string InputPath { get; init; }

    /// <summary>The model input it feeds; null for a single-input model.</summary>
    public string? InputName { get; init; }

    /// <summary>An optional .npy file of one integer class label per input row.</summary>
    public string? LabelsPath { get; init; }

    /// <summary>Where the report, the embedding and inspect.json go.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The embedding method: t-SNE or UMAP after PCA to at most 50 dimensions, or the first two principal
    /// components.</summary>
    public ReductionMethod Method { get; init; } = ReductionMethod.Tsne;

    /// <summary>Rows per ONNX Runtime call.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Seeds PCA's randomized solver and t-SNE.</summary>
    public int Seed { get; init; }

    /// <summary>Throws <see cref="InvalidSettingsException"/> listing every problem.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Layer)) problems.Add($"{nameof(InspectOptions)}.{nameof(Layer)} is empty; name a tensor, node or module scope.");
        if (Method == ReductionMethod.Raw) problems.Add($"{nameof(InspectOptions)}.{nameof(Method)} raw draws a layer as it is; inspect reduces it: use pca, tsne or umap.");
        if (BatchSize < 1) problems.Add($"{nameof(InspectOptions)}.{nameof(BatchSize)} {BatchSize} is invalid; it must be at least 1.");
        InvalidSettingsException.ThrowIfAny(problems);
    }
}
