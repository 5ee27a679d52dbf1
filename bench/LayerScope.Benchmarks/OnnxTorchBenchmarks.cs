using BenchmarkDotNet.Attributes;
using LayerScope.Gradients;
using LayerScope.Onnx;
using LayerScope.Onnx.Torch;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Benchmarks;

/// <summary>
/// Forward time of the TorchSharp executor against ONNX Runtime at batch 256, on the same number of threads, for the
/// exported CNN (resnet_cnn.onnx) and BiLSTM (text_bilstm.onnx) test fixtures. The executor runs once without autograd
/// (what ONNX Runtime does) and once with it (what a gradient method needs). Threads: LAYERSCOPE_BENCH_THREADS, else 2.
/// `-- onnx-torch` (<see cref="OnnxTorchSpeed"/>) gives the same ratios in seconds; measured ones are in DEVELOPERS.md.
/// </summary>
[ShortRunJob]
public class OnnxTorchBenchmarks
{
    private const int Batch = 256;

    [Params("resnet_cnn", "text_bilstm")]
    public string Model { get; set; } = "";

    private OnnxModel _onnx = null!;
    private OnnxTorchModel _torch = null!;
    private InferenceSession _session = null!;
    private OrtValue _ortInput = null!;
    private Tensor _input = null!;
    private readonly RunOptions _runOptions = new();

    [GlobalSetup]
    public void Setup()
    {
        int threads = int.TryParse(Environment.GetEnvironmentVariable("LAYERSCOPE_BENCH_THREADS"), out var t) ? t : 2;
        torch.set_num_threads(threads);
        var path = Path.Combine(FindFixtures(), Model + ".onnx");
        _onnx = OnnxModel.Open(path);
        _torch = OnnxTorchModel.Load(_onnx);
        _session = _onnx.CreateSession([], threads);
        (_ortInput, _input) = RandomInput(Model, Batch);
    }

    /// <summary>A random batch for a fixture, as ONNX Runtime's and TorchSharp's tensor of the same values: token
    /// ids for text_bilstm ([batch, 12], vocabulary 40), pixels in [0, 1) for resnet_cnn ([batch, 3, 16, 16]).</summary>
    internal static (OrtValue Ort, Tensor Torch) RandomInput(string model, int batch)
    {
        var random = new Random(1);
        if (model == "text_bilstm")
        {
            var tokens = Enumerable.Range(0, batch * 12).Select(_ => (long)random.Next(40)).ToArray();
            return (OrtValue.CreateTensorValueFromMemory(tokens, [batch, 12]), torch.tensor(tokens, [batch, 12]));
        }
        var pixels = Enumerable.Range(0, batch * 3 * 16 * 16).Select(_ => (float)random.NextDouble()).ToArray();
        return (OrtValue.CreateTensorValueFromMemory(pixels, [batch, 3, 16, 16]), torch.tensor(pixels, [batch, 3, 16, 16]));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _ortInput.Dispose();
        _runOptions.Dispose();
        _torch.Dispose();
        _input.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ONNX Runtime")]
    public float OnnxRuntime()
    {
        using var outputs = _session.Run(_runOptions, [_onnx.Inputs[0].Name], [_ortInput], ["output"]);
        return outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    [Benchmark(Description = "TorchSharp, no autograd")]
    public float TorchNoGrad()
    {
        using var forward = _torch.Forward(_input, new ForwardRequest(["output"], Gradients: false));
        return forward["output"].data<float>()[0];
    }

    [Benchmark(Description = "TorchSharp, autograd")]
    public float TorchGrad()
    {
        using var forward = _torch.Forward(_input, new ForwardRequest(["output"]));
        return forward["output"].detach().data<float>()[0];
    }

    internal static string FindFixtures()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "tests", "LayerScope.Core.Tests", "Onnx", "Torch", "Fixtures");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/LayerScope.Core.Tests/Onnx/Torch/Fixtures not found above " + AppContext.BaseDirectory);
    }
}
