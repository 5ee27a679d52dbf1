using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using LayerScope.Onnx;
using LayerScope.Storage.Npy;

namespace LayerScope.Benchmarks;

/// <summary>
/// End-to-end ONNX capture throughput (session creation, batched runs, NPY output), as `layerscope capture` does it,
/// on a 1000x4 input to the reference MLP and 1000 sequences to the reference LSTM. One operation is one input row,
/// so the Op/s column reads rows per second. The models come from LAYERSCOPE_ONNX or ../shared/onnx.
/// </summary>
[Config(typeof(RowsPerSecondConfig))]
[ShortRunJob]
public class CaptureBenchmarks
{
    private const int Rows = 1000;

    private string _folder = "";
    private OnnxModel _mlp = null!;
    private OnnxModel _lstm = null!;
    private string _mlpInput = "";
    private string _lstmInput = "";

    [GlobalSetup]
    public void Setup()
    {
        var models = FindModelFolder();
        _folder = Directory.CreateTempSubdirectory("layerscope-bench-").FullName;
        _mlp = OnnxModel.Open(Path.Combine(models, "mlp.onnx"));
        _lstm = OnnxModel.Open(Path.Combine(models, "seq_lstm.onnx"));
        var random = new Random(42);
        _mlpInput = Path.Combine(_folder, "mlp_1000x4.npy");
        NpyWriter.Write(_mlpInput, NpyArray.Create(Enumerable.Range(0, Rows * 4).Select(_ => (float)random.NextDouble()).ToArray(), Rows, 4));
        _lstmInput = Path.Combine(_folder, "lstm_1000x25x12.npy");
        NpyWriter.Write(_lstmInput, NpyArray.Create(Enumerable.Range(0, Rows * 25 * 12).Select(_ => (float)random.NextGaussian()).ToArray(), Rows, 25, 12));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(OperationsPerInvoke = Rows, Description = "MLP 1000x4, layer act")]
    public OnnxCaptureResult Mlp() => Capture(_mlp, _mlpInput, "act");

    [Benchmark(OperationsPerInvoke = Rows, Description = "LSTM 1000x25x12, layer lstm")]
    public OnnxCaptureResult Lstm() => Capture(_lstm, _lstmInput, "lstm");

    private OnnxCaptureResult Capture(OnnxModel model, string input, string layer) =>
        OnnxActivationCapture.Run(model, new OnnxCaptureOptions
        {
            Layers = [layer],
            Inputs = [OnnxInputSource.FromFile(input)],
            OutputPath = Path.Combine(_folder, layer + ".npy"),
        });

    private static string FindModelFolder()
    {
        var setting = Environment.GetEnvironmentVariable("LAYERSCOPE_ONNX");
        if (!string.IsNullOrWhiteSpace(setting)) return setting;
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "LayerScope.slnx")))
                return Path.GetFullPath(Path.Combine(folder.FullName, "..", "shared", "onnx"));
        throw new InvalidOperationException("Set LAYERSCOPE_ONNX to the folder holding mlp.onnx and seq_lstm.onnx.");
    }

    private sealed class RowsPerSecondConfig : ManualConfig
    {
        public RowsPerSecondConfig() => AddColumn(StatisticColumn.OperationsPerSecond);
    }
}

internal static class RandomExtensions
{
    public static double NextGaussian(this Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
