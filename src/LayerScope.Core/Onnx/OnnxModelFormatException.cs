using LayerScope.Errors;

namespace LayerScope.Onnx;

/// <summary>A file cannot be used as an ONNX model: it is truncated, not protobuf, has no graph, is over protobuf's
/// 2 GB limit, misses an external data file, or ONNX Runtime refuses it. The message names the file.</summary>
public sealed class OnnxModelFormatException : LayerScopeException
{
    public OnnxModelFormatException(string file, string problem)
        : base($"{file}: {problem}")
    {
        File = file;
        Problem = problem;
    }

    public OnnxModelFormatException(string file, string problem, Exception inner)
        : base($"{file}: {problem}", inner)
    {
        File = file;
        Problem = problem;
    }

    public string File { get; }
    public string Problem { get; }
}
