using BenchmarkDotNet.Attributes;
using LayerScope.Reduction;
using LayerScope.Reduction.Umap;

namespace LayerScope.Benchmarks;

/// <summary>UMAP wall time on 10 clusters × 50 dimensions.</summary>
[SimpleJob(launchCount: 1, warmupCount: 0, iterationCount: 1, invocationCount: 1)]
public class UmapBenchmarks
{
    private DenseMatrix _x = DenseMatrix.Zeros(0, 0);

    [Params(5_000, 25_000, 70_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup() => _x = ClusterData.Create(N).X;

    [Benchmark]
    public UmapEmbedding Umap() => UmapReducer.Fit(_x, new UmapOptions());
}
