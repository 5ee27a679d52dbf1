using Google.Protobuf;
using LayerScope.Onnx.Proto;
using Microsoft.ML.OnnxRuntime;

namespace LayerScope.Onnx;

/// <summary>
/// An ONNX model file, read and checked: the protobuf is parsed with LayerScope's schema subset, external data files
/// are located, and <see cref="Layers"/> lists what can be captured. Sessions are created on demand from an in-memory
/// copy of the model with extra graph outputs, so intermediate tensors come back from ONNX Runtime as outputs.
/// </summary>
public sealed class OnnxModel
{
    /// <summary>The ONNX Runtime setting that tells where external data files are when the model comes from memory.</summary>
    private const string ExternalDataFolderSetting = "session.model_external_initializers_file_folder_path";

    private readonly byte[] _encoded;
    private readonly Dictionary<string, OnnxTensorInfo> _declared;
    private readonly Lazy<OnnxLayerTable> _layers;

    private OnnxModel(string path, byte[] encoded, ModelProto proto, GraphProto graph, bool hasExternalData)
    {
        Path = path;
        _encoded = encoded;
        Proto = proto;
        Graph = graph;
        HasExternalData = hasExternalData;
        _declared = DeclaredTensors(graph);
        _layers = new Lazy<OnnxLayerTable>(BuildLayerTable);
    }

    /// <summary>The model file's full path.</summary>
    public string Path { get; }

    /// <summary>The file name, for messages.</summary>
    public string FileName => System.IO.Path.GetFileName(Path);

    /// <summary>The parsed model.</summary>
    public ModelProto Proto { get; }

    /// <summary>The main graph.</summary>
    public GraphProto Graph { get; }

    /// <summary>True when some initializers keep their values in external files beside the model.</summary>
    public bool HasExternalData { get; }

    /// <summary>The layer table. Computing it runs the model on dummy batches when the model lacks shape information
    /// for some tensors.</summary>
    public OnnxLayerTable Layers => _layers.Value;

    /// <summary>The graph inputs a caller feeds, with declared types and shapes.</summary>
    public IReadOnlyList<OnnxTensorInfo> Inputs =>
        Graph.Inputs.Where(i => !Graph.Initializers.Any(t => t.Name == i.Name)).Select(i => Declared(i.Name)).ToList();

    /// <summary>Reads and checks the model at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="OnnxModelFormatException">The file is not a usable ONNX model; the message says why.</exception>
    public static OnnxModel Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (!info.Exists) throw new FileNotFoundException($"ONNX model {path} does not exist.", path);
        if (info.Length > int.MaxValue)
            throw new OnnxModelFormatException(path,
                $"the file is {info.Length / (1024.0 * 1024 * 1024):0.0} GB, over protobuf's 2 GB limit. Save the model with "
                + "its weights in external data files (onnx.save_model(model, path, save_as_external_data=True)) and keep "
                + "them beside the .onnx file.");
        var encoded = File.ReadAllBytes(full);

        ModelProto proto;
        try
        {
            proto = ModelProto.Parse(encoded);
        }
        catch (Exception error) when (error is InvalidProtocolBufferException or InvalidDataException)
        {
            throw new OnnxModelFormatException(path, $"not a valid ONNX model (the protobuf cannot be decoded: {error.Message}). "
                + "The file may be truncated or not an .onnx file.", error);
        }
        if (proto.Graph is null || proto.IrVersion <= 0)
            throw new OnnxModelFormatException(path, "not a valid ONNX model: "
                + (proto.Graph is null ? "it has no graph" : "it has no IR version") + ". The file may be truncated or not an .onnx file.");

        var folder = System.IO.Path.GetDirectoryName(full)!;
        bool external = false;
        foreach (var tensor in proto.Graph.Initializers.Where(t => t.IsExternal))
        {
            external = true;
            var location = tensor.ExternalLocationPath;
            if (string.IsNullOrEmpty(location))
                throw new OnnxModelFormatException(path, $"initializer '{tensor.Name}' is marked as external data but names no file.");
            var dataFile = System.IO.Path.Combine(folder, location);
            if (!File.Exists(dataFile))
                throw new OnnxModelFormatException(path, $"initializer '{tensor.Name}' keeps its values in external file '{location}', "
                    + $"which is not in {folder}. Keep the .onnx file and its data files in one folder.");
        }
        return new OnnxModel(full, encoded, proto, proto.Graph, external);
    }

    /// <summary>
    /// Creates an ONNX Runtime session whose outputs are the graph outputs followed by <paramref name="extraOutputs"/>
    /// (intermediate tensors added as graph outputs in an in-memory copy of the model).
    /// </summary>
    /// <param name="extraOutputs">Tensor names to expose; graph outputs among them are not added twice.</param>
    /// <param name="intraOpThreads">Threads per operator; 0 lets ONNX Runtime choose.</param>
    public InferenceSession CreateSession(IEnumerable<string> extraOutputs, int intraOpThreads = 0)
    {
        ArgumentNullException.ThrowIfNull(extraOutputs);
        var existing = Graph.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var added = extraOutputs.Where(n => n.Length > 0 && existing.Add(n)).ToList();
        var bytes = added.Count == 0
            ? _encoded
            : Proto.EncodeWithGraphFields(added.Select(name => (ReadOnlyMemory<byte>)ProtoWire.EncodeLengthDelimited(
                GraphProto.OutputField, ValueInfoProto.Encode(name, Declared(name).ElementType))));

        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        if (intraOpThreads > 0) options.IntraOpNumThreads = intraOpThreads;
        // The copy lives in memory, so ONNX Runtime must be told where the model's external data files are.
        if (HasExternalData) options.AddSessionConfigEntry(ExternalDataFolderSetting, System.IO.Path.GetDirectoryName(Path)!);
        try
        {
            return new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException error)
        {
            throw new OnnxModelFormatException(Path, $"ONNX Runtime cannot load the model: {error.Message}", error);
        }
    }

    /// <summary>The type and shape the model declares for <paramref name="name"/> (inputs, outputs, value_info).</summary>
    internal OnnxTensorInfo Declared(string name) =>
        _declared.GetValueOrDefault(name) ?? new OnnxTensorInfo(name, TensorElementType.Undefined, null, OnnxShapeSource.Unknown);

    private static Dictionary<string, OnnxTensorInfo> DeclaredTensors(GraphProto graph)
    {
        var declared = new Dictionary<string, OnnxTensorInfo>(StringComparer.Ordinal);
        foreach (var value in graph.ValueInfo.Concat(graph.Inputs).Concat(graph.Outputs))
        {
            if (value.Type is not { } type) continue;
            if (type.Kind != "tensor")
            {
                declared[value.Name] = new OnnxTensorInfo(value.Name, TensorElementType.Undefined, null, OnnxShapeSource.Model) { ValueKind = type.Kind };
                continue;
            }
            var shape = type.Shape?.Dims.Select(d => new OnnxDimension(d.Value, d.Param)).ToList();
            declared[value.Name] = new OnnxTensorInfo(value.Name, type.ElementType, shape, shape is null ? OnnxShapeSource.Unknown : OnnxShapeSource.Model);
        }
        return declared;
    }

    private OnnxLayerTable BuildLayerTable()
    {
        var nodeOutputs = Graph.Nodes.SelectMany(n => n.Outputs).Where(o => o.Length > 0).ToList();
        bool complete = nodeOutputs.Concat(Graph.Outputs.Select(o => o.Name))
            .All(n => Declared(n) is { ShapeSource: OnnxShapeSource.Model, ElementType: not TensorElementType.Undefined } or { IsTensor: false });
        IReadOnlyDictionary<string, OnnxTensorInfo> probed = new Dictionary<string, OnnxTensorInfo>();
        string? problem = null;
        if (!complete)
        {
            try
            {
                probed = OnnxDryRun.Run(this, nodeOutputs);
            }
            catch (OnnxDryRunException error)
            {
                problem = error.Message;
            }
        }
        return new OnnxLayerTable(FileName, Graph, name =>
        {
            var declared = Declared(name);
            if (!declared.IsTensor || (declared.ShapeSource == OnnxShapeSource.Model && declared.ElementType != TensorElementType.Undefined)) return declared;
            return probed.GetValueOrDefault(name) ?? declared;
        }, problem);
    }
}
