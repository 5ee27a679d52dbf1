using LayerScope.Onnx.Torch.Operators;

namespace LayerScope.Onnx.Torch;

/// <summary>Every operator the TorchSharp executor covers, by ONNX op type (default domain).</summary>
internal static class OnnxOperatorSet
{
    public static IReadOnlyDictionary<string, OnnxOperator> Operators { get; } =
        ElementwiseOperators.Entries
            .Concat(LinearOperators.Entries)
            .Concat(ConvolutionOperators.Entries)
            .Concat(NormalizationOperators.Entries)
            .Concat(ShapeOperators.Entries)
            .Concat(RecurrentOperators.Entries)
            .ToDictionary(e => e.OpType, e => e.Run, StringComparer.Ordinal);

    /// <summary>The covered op types, sorted, for messages.</summary>
    public static IReadOnlyList<string> Covered { get; } = Operators.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>True for the default ONNX domain ("" or "ai.onnx").</summary>
    public static bool IsDefaultDomain(string domain) => domain is "" or "ai.onnx";
}
