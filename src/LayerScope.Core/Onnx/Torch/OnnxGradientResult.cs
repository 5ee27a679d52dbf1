namespace LayerScope.Onnx.Torch;

/// <summary>What <see cref="OnnxGradients.Run"/> wrote.</summary>
/// <param name="Of">The differentiated tensor, as resolved (the name given and the tensor it names).</param>
/// <param name="Wrt">The tensor differentiated with respect to, as resolved.</param>
/// <param name="WrtKind">Why that tensor: the model's input, the embedding lookup of token ids, or a named tensor.</param>
/// <param name="Unit">The unit of <paramref name="Of"/>'s last axis differentiated; null: the sum of its entries.</param>
/// <param name="Shape">The written array's shape: rows, then the per-row shape of <paramref name="Wrt"/>.</param>
/// <param name="Precision">"float32" or "float64" (the executor's compute type, which the file holds).</param>
/// <param name="OutputPath">The full path of the written .npy file.</param>
/// <param name="Elapsed">Wall time from the options check to the renamed file.</param>
public sealed record OnnxGradientResult(OnnxLayerReference Of, OnnxLayerReference Wrt, OnnxGradientSource WrtKind, long? Unit,
    IReadOnlyList<long> Shape, string Precision, string OutputPath, TimeSpan Elapsed)
{
    public long Rows => Shape[0];

    public double RowsPerSecond => Rows / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>What a gradient is taken with respect to.</summary>
public enum OnnxGradientSource
{
    /// <summary>The model's floating-point input.</summary>
    Input,

    /// <summary>The output of the embedding lookup of a token-id input (found in the graph).</summary>
    EmbeddingLookup,

    /// <summary>A tensor named in <see cref="OnnxGradientOptions.Wrt"/>.</summary>
    NamedTensor,
}
