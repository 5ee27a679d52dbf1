namespace LayerScope.Runs;

/// <summary>A layer whose activations or embeddings a run holds.</summary>
/// <param name="Name">The layer's name, e.g. "mlp-4-2-1/hidden".</param>
/// <param name="Units">Its number of units (features per point and time step).</param>
public sealed record RunLayer(string Name, int Units);
