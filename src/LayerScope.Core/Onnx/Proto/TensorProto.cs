namespace LayerScope.Onnx.Proto;

/// <summary>onnx.TensorProto, reduced to the header: name, type, dims and where the data is (inside the file or in
/// an external file). The data fields are left encoded in <see cref="Fields"/>.</summary>
public sealed class TensorProto
{
    public const int DimsField = 1;
    public const int DataTypeField = 2;
    public const int SegmentField = 3;
    public const int FloatDataField = 4;
    public const int Int32DataField = 5;
    public const int StringDataField = 6;
    public const int Int64DataField = 7;
    public const int NameField = 8;
    public const int RawDataField = 9;
    public const int DoubleDataField = 10;
    public const int Uint64DataField = 11;
    public const int DocStringField = 12;
    public const int ExternalDataField = 13;
    public const int DataLocationField = 14;
    public const int MetadataPropsField = 16;

    /// <summary>TensorProto.DataLocation.EXTERNAL.</summary>
    public const long ExternalLocation = 1;

    private TensorProto(IReadOnlyList<ProtoField> fields)
    {
        Fields = fields;
        Name = ProtoWire.LastString(fields, NameField);
        Dims = ProtoWire.Int64s(fields, DimsField);
        DataType = (TensorElementType)ProtoWire.LastVarint(fields, DataTypeField);
        IsExternal = ProtoWire.LastVarint(fields, DataLocationField) == ExternalLocation;
        ExternalData = ProtoWire.Messages(fields, ExternalDataField, StringStringEntryProto.Parse);
    }

    /// <summary>The encoded fields, data fields included (decoded on demand by the TorchSharp executor).</summary>
    public IReadOnlyList<ProtoField> Fields { get; }

    public string Name { get; }
    public IReadOnlyList<long> Dims { get; }
    public TensorElementType DataType { get; }

    /// <summary>True when the values are in an external file (data_location = EXTERNAL).</summary>
    public bool IsExternal { get; }

    /// <summary>external_data: "location" (a path relative to the model's folder), "offset", "length", ...</summary>
    public IReadOnlyList<StringStringEntryProto> ExternalData { get; }

    /// <summary>The external file's path relative to the model's folder, or null.</summary>
    public string? ExternalLocationPath => IsExternal ? ExternalData.LastOrDefault(e => e.Key == "location")?.Value : null;

    public static TensorProto Parse(ReadOnlyMemory<byte> encoded) => new(ProtoWire.Split(encoded));
}
