using BenchmarkDotNet.Attributes;
using LayerScope.Reduction;
using LayerScope.Reduction.Tsne;

namespace LayerScope.Benchmarks;

/// <summary>t-SNE wall time on 10 clusters × 50 dimensions (one run per case; these take seconds).</summary>
[SimpleJob(launchCount: 1, warmupCount: 0, iterationCount: 1, invocationCount: 1)]
public class TsneBenchmarks
{
    private DenseMatrix _x = DenseMatrix.Zeros(0, 0);

    [Params(5_000, 25_000, 70_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup() => _x = ClusterData.Create(N).X;

    [Benchmark]
    public TsneEmbedding Tsne() => TsneReducer.Fit(_x, new TsneOptions());
}
