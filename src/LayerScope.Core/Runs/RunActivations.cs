using System.Text.Json.Serialization;

namespace LayerScope.Runs;

/// <summary>The high-dimensional values of a layer, [N, U] or per time step [N, T, U]: what nearest neighbours and mean
/// activations are computed on.</summary>
public sealed record RunActivations
{
    /// <summary>The layer's name (one of the manifest's layers).</summary>
    public required string Layer { get; init; }

    /// <summary>The training epoch the values were captured after (1-based); null when not per epoch.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Epoch { get; init; }

    /// <summary>The array holding the values.</summary>
    public required string Array { get; init; }
}
