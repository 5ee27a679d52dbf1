using LayerScope.Storage.Npy;

namespace LayerScope.Onnx;

/// <summary>What a capture produced.</summary>
/// <param name="Layers">One entry per requested layer, in request order.</param>
/// <param name="Rows">Input rows run through the model.</param>
/// <param name="Elapsed">Wall time of the run, session creation included.</param>
/// <param name="OutputPath">The .npy/.npz written, or null when the arrays were kept in memory.</param>
public sealed record OnnxCaptureResult(IReadOnlyList<OnnxCapturedLayer> Layers, long Rows, TimeSpan Elapsed, string? OutputPath)
{
    /// <summary>Input rows per second over the whole run.</summary>
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? Rows / Elapsed.TotalSeconds : double.PositiveInfinity;
}

/// <summary>One captured layer.</summary>
/// <param name="Layer">The name as requested.</param>
/// <param name="Reference">What the name resolved to.</param>
/// <param name="Key">The array's name in an .npz archive.</param>
/// <param name="ElementType">The values' type.</param>
/// <param name="Shape">The written shape: the batch axis first, then the tensor's other axes.</param>
/// <param name="ModelBatchAxis">Where the batch axis is in the tensor ONNX Runtime computes (moved first when not 0).</param>
/// <param name="Values">The values, when the capture was kept in memory.</param>
public sealed record OnnxCapturedLayer(string Layer, OnnxLayerReference Reference, string Key, NpyElementType ElementType,
    IReadOnlyList<long> Shape, int ModelBatchAxis, NpyArray? Values)
{
    /// <summary>The captured values as LayerScope's one array type (float32, converted when the tensor holds another
    /// numeric type), named after the layer as requested.</summary>
    /// <exception cref="InvalidOperationException">The capture was written to a file, not kept in memory.</exception>
    public Arrays.Float32Array ToFloat32Array() =>
        (Values ?? throw new InvalidOperationException($"Layer '{Layer}' was written to a file, not kept in memory; read it back with NpyReader.")).ToFloat32Array(Layer);
}
