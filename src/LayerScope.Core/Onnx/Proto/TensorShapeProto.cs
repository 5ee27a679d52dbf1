namespace LayerScope.Onnx.Proto;

/// <summary>onnx.TensorShapeProto: one entry per axis, each a number, a symbol ("batch") or unknown.</summary>
public sealed class TensorShapeProto
{
    public const int DimField = 1;

    /// <summary>Dimension.dim_value, dim_param and denotation.</summary>
    public const int DimValueField = 1;
    public const int DimParamField = 2;
    public const int DimDenotationField = 3;

    private TensorShapeProto(IReadOnlyList<Dimension> dims) => Dims = dims;

    public IReadOnlyList<Dimension> Dims { get; }

    public static TensorShapeProto Parse(ReadOnlyMemory<byte> encoded)
    {
        var dims = ProtoWire.Messages(ProtoWire.Split(encoded), DimField, dim =>
        {
            var fields = ProtoWire.Split(dim);
            bool hasValue = fields.Any(f => f.Number == DimValueField);
            var param = ProtoWire.LastString(fields, DimParamField);
            return new Dimension(hasValue ? ProtoWire.LastVarint(fields, DimValueField) : null, param.Length == 0 ? null : param);
        });
        return new TensorShapeProto(dims);
    }

    /// <summary>One axis: a fixed size, a symbolic name, or neither (unknown).</summary>
    public readonly record struct Dimension(long? Value, string? Param);
}
