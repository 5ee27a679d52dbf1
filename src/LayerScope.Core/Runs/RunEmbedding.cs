using System.Text.Json.Serialization;
using LayerScope.Reduction;

namespace LayerScope.Runs;

/// <summary>2-D or 3-D coordinates of the points, [N, dims], for one layer (and epoch) by one method.</summary>
public sealed record RunEmbedding
{
    /// <summary>The layer itself has 2 or 3 units, drawn as they are.</summary>
    public const string RawMethod = "raw";

    // The four names below are ReductionMethods.Name of each method (a test holds them equal); constants, so they can
    // appear in switch cases and attributes.

    /// <summary>Principal components.</summary>
    public const string PcaMethod = "pca";

    /// <summary>t-SNE.</summary>
    public const string TsneMethod = "tsne";

    /// <summary>UMAP.</summary>
    public const string UmapMethod = "umap";

    /// <summary>Every method a manifest may name.</summary>
    public static IReadOnlyList<string> Methods { get; } = [.. ReductionMethods.All.Select(m => m.Name())];

    /// <summary>The layer's name.</summary>
    public required string Layer { get; init; }

    /// <summary>The training epoch (1-based); null when not per epoch.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Epoch { get; init; }

    /// <summary><see cref="RawMethod"/>, <see cref="PcaMethod"/>, <see cref="TsneMethod"/> or <see cref="UmapMethod"/>.</summary>
    public required string Method { get; init; }

    /// <summary>2 or 3.</summary>
    public required int Dims { get; init; }

    /// <summary>The array holding the coordinates.</summary>
    public required string Array { get; init; }

    /// <summary>The method's settings (perplexity, neighbours, seed), for people reading the manifest.</summary>
    public IReadOnlyDictionary<string, double> Parameters { get; init; } = new Dictionary<string, double>();
}
