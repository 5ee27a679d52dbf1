using LayerScope.Errors;

namespace LayerScope.Onnx.Torch;

/// <summary>The model uses an operator the TorchSharp executor does not compute. Raised when the model is loaded,
/// before anything runs, so no gradient is ever taken through an approximation.</summary>
public sealed class UnsupportedOnnxOperatorException : LayerScopeException
{
    public UnsupportedOnnxOperatorException(string file, string opType, string domain, string node, string scope, IReadOnlyList<string> covered)
        : base($"{file}: node '{node}' ({(scope.Length == 0 ? "top level" : $"module scope '{scope}'")}) uses operator "
            + $"'{(domain.Length == 0 ? "" : domain + ".")}{opType}', which the TorchSharp executor does not cover, so the model cannot be "
            + $"differentiated. Covered operators (default ONNX domain): {string.Join(", ", covered)}.")
    {
        File = file;
        OpType = opType;
        Domain = domain;
        Node = node;
        Scope = scope;
        Covered = covered;
    }

    public string File { get; }
    public string OpType { get; }
    public string Domain { get; }
    public string Node { get; }
    public string Scope { get; }
    public IReadOnlyList<string> Covered { get; }
}

/// <summary>The graph cannot be run: a node reads a tensor nobody produces, two nodes produce one tensor, or nodes
/// feed each other in a cycle. The message names the node.</summary>
public sealed class MalformedOnnxGraphException : LayerScopeException
{
    public MalformedOnnxGraphException(string file, string node, string problem)
        : base($"{file}: node '{node}' {problem}")
    {
        File = file;
        Node = node;
        Problem = problem;
    }

    public string File { get; }
    public string Node { get; }
    public string Problem { get; }
}

/// <summary>An input given to <see cref="OnnxTorchModel"/> does not fit the model: unknown or missing name, wrong
/// element type or shape.</summary>
public sealed class OnnxTorchInputException : LayerScopeException
{
    public OnnxTorchInputException(string file, string input, string expected, string actual)
        : base($"{file}: input '{input}' must be {expected}; got {actual}.")
    {
        File = file;
        Input = input;
        Expected = expected;
        Actual = actual;
    }

    public string File { get; }
    public string Input { get; }
    public string Expected { get; }
    public string Actual { get; }
}

/// <summary>A node failed while the graph ran, typically because its input shapes do not fit (a Reshape to a size
/// that does not divide, a MatMul of mismatched widths). The message names the node, its module scope and the shapes
/// it received.</summary>
public sealed class OnnxNodeFailedException : LayerScopeException
{
    public OnnxNodeFailedException(string file, string node, string opType, string scope, IReadOnlyList<string> inputShapes, string problem, Exception? inner)
        : base($"{file}: node '{node}' ({opType}{(scope.Length == 0 ? "" : $", module scope '{scope}'")}) failed on inputs "
            + $"[{string.Join("; ", inputShapes)}]: {problem}", inner ?? new InvalidOperationException(problem))
    {
        File = file;
        Node = node;
        OpType = opType;
        InputShapes = inputShapes;
        Problem = problem;
    }

    public string File { get; }
    public string Node { get; }
    public string OpType { get; }
    public IReadOnlyList<string> InputShapes { get; }
    public string Problem { get; }
}

/// <summary>An operator's complaint about its inputs or attributes; the executor adds the node and the file.</summary>
internal sealed class OnnxNodeException(string problem) : Exception(problem);
