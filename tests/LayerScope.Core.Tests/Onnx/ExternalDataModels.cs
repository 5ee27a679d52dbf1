using System.Globalization;
using LayerScope.Onnx.Proto;

namespace LayerScope.Tests.Onnx;

/// <summary>Turns a model with embedded weights into one whose initializers live in an external data file, the way
/// onnx.save_model(..., save_as_external_data=True) stores models over 2 GB.</summary>
internal static class ExternalDataModels
{
    public static string WriteWithExternalWeights(string source, string folder, string modelName, string dataName)
    {
        var model = ProtoWire.Split(File.ReadAllBytes(source));
        using var data = new MemoryStream();
        var modelParts = new List<ReadOnlyMemory<byte>>();
        foreach (var field in model)
        {
            if (field.Number != ModelProto.GraphField) { modelParts.Add(field.Encoded); continue; }
            var graphParts = new List<ReadOnlyMemory<byte>>();
            foreach (var graphField in ProtoWire.Split(field.Payload))
            {
                if (graphField.Number != GraphProto.InitializerField) { graphParts.Add(graphField.Encoded); continue; }
                var tensorParts = new List<ReadOnlyMemory<byte>>();
                foreach (var tensorField in ProtoWire.Split(graphField.Payload))
                {
                    if (tensorField.Number != TensorProto.RawDataField) { tensorParts.Add(tensorField.Encoded); continue; }
                    long offset = data.Position;
                    data.Write(tensorField.Payload.Span);
                    tensorParts.Add(Entry("location", dataName));
                    tensorParts.Add(Entry("offset", offset.ToString(CultureInfo.InvariantCulture)));
                    tensorParts.Add(Entry("length", tensorField.Payload.Length.ToString(CultureInfo.InvariantCulture)));
                    tensorParts.Add(ProtoWire.EncodeVarint(TensorProto.DataLocationField, TensorProto.ExternalLocation));
                }
                graphParts.Add(ProtoWire.EncodeLengthDelimited(GraphProto.InitializerField, ProtoWire.Concat(tensorParts)));
            }
            modelParts.Add(ProtoWire.EncodeLengthDelimited(ModelProto.GraphField, ProtoWire.Concat(graphParts)));
        }
        File.WriteAllBytes(Path.Combine(folder, dataName), data.ToArray());
        var path = Path.Combine(folder, modelName);
        File.WriteAllBytes(path, ProtoWire.Concat(modelParts));
        return path;
    }

    private static byte[] Entry(string key, string value) => ProtoWire.EncodeLengthDelimited(TensorProto.ExternalDataField,
        ProtoWire.Concat([ProtoWire.EncodeString(StringStringEntryProto.KeyField, key), ProtoWire.EncodeString(StringStringEntryProto.ValueField, value)]));
}
