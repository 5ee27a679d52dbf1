namespace LayerScope.Models;

/// <summary>One row of a model's layer table, like a line of Keras' <c>summary()</c> joined with its <c>get_config()</c>.</summary>
/// <param name="Name">The name to capture it by (from <c>named_modules()</c>).</param>
/// <param name="Type">The module type (Linear, LSTM, ReLU...).</param>
/// <param name="OutputShape">Output shape per example, without the batch dimension; null when the layer did not run
/// in the dry run or returns something other than tensors.</param>
/// <param name="ParameterCount">Trainable values owned directly by this layer (not its children).</param>
/// <param name="Config">The layer's settings (units, activation, bidirectional, dropout...), in a stable order.</param>
public sealed record LayerInfo(
    string Name,
    string Type,
    long[]? OutputShape,
    long ParameterCount,
    IReadOnlyList<KeyValuePair<string, string>> Config)
{
    /// <summary>The output shape as Keras prints it, with the batch dimension as "N": "(N, 2)".</summary>
    public string OutputShapeText => OutputShape is null ? "?" : $"(N, {string.Join(", ", OutputShape)})";

    /// <summary>The configuration as "key=value, key=value".</summary>
    public string ConfigText => string.Join(", ", Config.Select(pair => $"{pair.Key}={pair.Value}"));
}
