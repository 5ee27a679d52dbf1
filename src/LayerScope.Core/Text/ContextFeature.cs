namespace LayerScope.Text;

/// <summary>One number per character of a text describing its context (inside quotes, brace depth, ...), to correlate
/// with a recurrent network's cells.</summary>
/// <param name="Name">Short name ("in string", "brace depth").</param>
/// <param name="Description">What the value means, in one sentence.</param>
/// <param name="Values">One value per character (per UTF-16 code unit) of the text.</param>
public sealed record ContextFeature(string Name, string Description, double[] Values);
