using System.Globalization;

namespace LayerScope.Onnx;

/// <summary>One axis of a tensor shape: a fixed size, a symbol ("batch", "batch*25" when found by a dry run), or
/// unknown (both null).</summary>
public readonly record struct OnnxDimension(long? Size, string? Symbol)
{
    public static OnnxDimension Fixed(long size) => new(size, null);

    public static OnnxDimension Symbolic(string symbol) => new(null, symbol);

    public override string ToString() =>
        Size?.ToString(CultureInfo.InvariantCulture) ?? Symbol ?? "?";

    /// <summary>"[batch, 25, 12]", or "?" when the rank is unknown.</summary>
    public static string Format(IReadOnlyList<OnnxDimension>? shape) =>
        shape is null ? "?" : "[" + string.Join(", ", shape) + "]";
}
