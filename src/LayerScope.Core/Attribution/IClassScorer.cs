using LayerScope.Errors;
using LayerScope.Onnx;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace LayerScope.Attribution;

/// <summary>A model seen only through its class scores: all that occlusion and deletion curves need, so they run
/// where no gradient is available.</summary>
public interface IClassScorer
{
    /// <summary>Scores [N, classes] of <paramref name="inputs"/> [N, ...] (no gradients).</summary>
    Tensor Scores(Tensor inputs);
}

/// <summary>Scores from ONNX Runtime alone (no TorchSharp executor): occlusion works on every ONNX model it can run.
/// Tensors here only carry the values in and out.</summary>
public sealed class OnnxRuntimeScorer : IClassScorer, IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly string _output;
    private readonly string _file;

    /// <param name="model">The ONNX model.</param>
    /// <param name="output">The scores tensor; the first graph output when null.</param>
    public OnnxRuntimeScorer(OnnxModel model, string? output = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _file = model.FileName;
        if (model.Inputs.Count != 1)
            throw new LayerScopeException($"{_file}: occlusion explains single-input models; this one has {model.Inputs.Count} inputs.");
        _input = model.Inputs[0].Name;
        _output = output ?? model.Graph.Outputs[0].Name;
        _session = model.CreateSession(output is null ? [] : [output]);
    }

    public Tensor Scores(Tensor inputs)
    {
        using var values = inputs.cpu().contiguous();
        long[] shape = values.shape;
        using var ort = values.dtype switch
        {
            ScalarType.Int64 => OrtValue.CreateTensorValueFromMemory(values.data<long>().ToArray(), shape),
            ScalarType.Int32 => OrtValue.CreateTensorValueFromMemory(values.data<int>().ToArray(), shape),
            _ => OrtValue.CreateTensorValueFromMemory(values.to(ScalarType.Float32).data<float>().ToArray(), shape),
        };
        try
        {
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, [_input], [ort], [_output]);
            var result = outputs[0];
            var scores = result.GetTensorDataAsSpan<float>().ToArray();
            var t = tensor(scores, result.GetTensorTypeAndShape().Shape);
            return ClassGradients.AsMatrix(t, _output);
        }
        catch (OnnxRuntimeException error)
        {
            throw new LayerScopeException($"{_file}: ONNX Runtime failed on an input of shape [{string.Join(", ", shape)}]: {error.Message}", error);
        }
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>Scores of a differentiable model without autograd (a TorchSharp module or the ONNX executor).</summary>
public sealed class DifferentiableScorer(ExplainedModel explained) : IClassScorer
{
    public Tensor Scores(Tensor inputs) => ClassGradients.Scores(explained, inputs);
}
