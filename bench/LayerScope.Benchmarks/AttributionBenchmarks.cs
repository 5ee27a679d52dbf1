using BenchmarkDotNet.Attributes;
using LayerScope.Attribution;
using LayerScope.Attribution.Lrp;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Benchmarks;

/// <summary>
/// What an explanation costs next to the forward pass, on a Fashion-MNIST-sized CNN (28×28×1 → conv 16 → pool →
/// conv 32 → pool → dense 10) and a batch of 256 images: LRP (ε everywhere, and the Montavon 2019 composite) and
/// Gradient × Input should each cost about one backward pass, i.e. a small multiple of the forward (the issue asks ≤ 3×).
/// Threads: LAYERSCOPE_BENCH_THREADS, else 2.
/// </summary>
[ShortRunJob]
public class AttributionBenchmarks
{
    private const int Batch = 256;
    private nn.Module<Tensor, Tensor> _model = null!;
    private Tensor _images = null!;
    private LayerwiseRelevance _lrpEpsilon = null!;
    private LayerwiseRelevance _lrpComposite = null!;
    private GradientTimesInput _gradientTimesInput = null!;

    [GlobalSetup]
    public void Setup()
    {
        int threads = int.TryParse(Environment.GetEnvironmentVariable("LAYERSCOPE_BENCH_THREADS"), out var t) ? t : 2;
        torch.set_num_threads(threads);
        manual_seed(1);
        _model = nn.Sequential(("conv1", nn.Conv2d(1, 16, 3, padding: 1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(16, 32, 3, padding: 1)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()), ("fc", nn.Linear(32 * 7 * 7, 10)));
        _model.eval();
        _images = rand(Batch, 1, 28, 28);
        _lrpEpsilon = new LayerwiseRelevance(_model, LrpComposite.Uniform(LrpRule.EpsilonRule(0.25)));
        _lrpComposite = new LayerwiseRelevance(_model, LrpComposite.Montavon2019(0, 1));
        _gradientTimesInput = new GradientTimesInput(new ExplainedModel(new ModuleDifferentiableModel(_model), ModuleDifferentiableModel.OutputName));
    }

    [Benchmark(Baseline = true)]
    public float Forward()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return _model.call(_images).sum().item<float>();
    }

    [Benchmark]
    public float LrpEpsilonAllLayers() => _lrpEpsilon.Attribute(_images, 3).Relevance.Values[0];

    [Benchmark]
    public float LrpMontavonComposite() => _lrpComposite.Attribute(_images, 3).Relevance.Values[0];

    [Benchmark]
    public float GradientTimesInput() => _gradientTimesInput.Attribute(_images, 3).Relevance.Values[0];
}
