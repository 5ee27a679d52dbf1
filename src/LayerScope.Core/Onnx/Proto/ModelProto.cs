namespace LayerScope.Onnx.Proto;

/// <summary>onnx.ModelProto: the file's top-level message. Field numbers are those of onnx.proto.</summary>
public sealed class ModelProto
{
    public const int IrVersionField = 1;
    public const int ProducerNameField = 2;
    public const int ProducerVersionField = 3;
    public const int DomainField = 4;
    public const int ModelVersionField = 5;
    public const int DocStringField = 6;
    public const int GraphField = 7;
    public const int OpsetImportField = 8;
    public const int MetadataPropsField = 14;
    public const int TrainingInfoField = 20;
    public const int FunctionsField = 25;

    private ModelProto(IReadOnlyList<ProtoField> fields)
    {
        Fields = fields;
        IrVersion = ProtoWire.LastVarint(fields, IrVersionField);
        ProducerName = ProtoWire.LastString(fields, ProducerNameField);
        ProducerVersion = ProtoWire.LastString(fields, ProducerVersionField);
        OpsetImport = ProtoWire.Messages(fields, OpsetImportField, OperatorSetIdProto.Parse);
        var graphs = ProtoWire.Messages(fields, GraphField, GraphProto.Parse);
        Graph = graphs.Count == 0 ? null : graphs[^1];
    }

    /// <summary>Every field as read, in order; unknown ones included.</summary>
    public IReadOnlyList<ProtoField> Fields { get; }

    public long IrVersion { get; }
    public string ProducerName { get; }
    public string ProducerVersion { get; }
    public IReadOnlyList<OperatorSetIdProto> OpsetImport { get; }

    /// <summary>The main graph; null when the message has none (then it is not a usable model).</summary>
    public GraphProto? Graph { get; }

    public static ModelProto Parse(ReadOnlyMemory<byte> encoded) => new(ProtoWire.Split(encoded));

    /// <summary>
    /// The model's bytes with <paramref name="extraGraphFields"/> (encoded GraphProto fields, e.g. outputs) appended
    /// to its graph. Every other byte is copied from the source, so nothing the schema subset does not know is lost.
    /// </summary>
    public byte[] EncodeWithGraphFields(IEnumerable<ReadOnlyMemory<byte>> extraGraphFields)
    {
        var extra = extraGraphFields.ToList();
        int lastGraph = -1;
        for (int i = 0; i < Fields.Count; i++)
            if (Fields[i].Number == GraphField) lastGraph = i;
        if (lastGraph < 0) throw new InvalidOperationException("The model has no graph.");

        var parts = new List<ReadOnlyMemory<byte>>(Fields.Count);
        for (int i = 0; i < Fields.Count; i++)
        {
            if (i != lastGraph)
            {
                parts.Add(Fields[i].Encoded);
                continue;
            }
            // Repeated fields of an embedded message may be appended: protobuf merges them into the same lists.
            var graph = ProtoWire.Concat([Fields[i].Payload, .. extra]);
            parts.Add(ProtoWire.EncodeLengthDelimited(GraphField, graph));
        }
        return ProtoWire.Concat(parts);
    }
}
