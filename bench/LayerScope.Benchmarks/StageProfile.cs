using System.Diagnostics;
using System.Globalization;
using LayerScope.Reduction.Neighbors;
using LayerScope.Reduction.Tsne;

namespace LayerScope.Benchmarks;

/// <summary>Times the stages of t-SNE separately: <c>-- profile 25000</c>.</summary>
public static class StageProfile
{
    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 25_000;
        int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        var (x, _) = ClusterData.Create(n);
        var watch = Stopwatch.StartNew();
        void Lap(string what) { Console.WriteLine($"{what,-32} {watch.Elapsed.TotalMilliseconds,9:0.0} ms"); watch.Restart(); }
        _ = LayerScope.Reduction.Pca.Pca.Fit(LayerScope.Reduction.DenseMatrix.Zeros(4, 2), new LayerScope.Reduction.Pca.PcaOptions { Components = 1, Threads = threads });
        Lap("torch start");
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var points = TorchSharp.torch.from_array(x.Values).view(n, 50);
            var norms = points.square().sum(1).view(1, n);
            int block = 640;
            for (int s0 = 0; s0 < n; s0 += block)
            {
                using var inner = TorchSharp.torch.NewDisposeScope();
                var q = points.narrow(0, s0, Math.Min(block, n - s0));
                var score = TorchSharp.torch.addmm(norms, q, points.t(), beta: 1, alpha: -2);
            }
            Lap("GEMM blocks only");
            for (int s0 = 0; s0 < n; s0 += block)
            {
                using var inner = TorchSharp.torch.NewDisposeScope();
                var q = points.narrow(0, s0, Math.Min(block, n - s0));
                var score = TorchSharp.torch.addmm(norms, q, points.t(), beta: 1, alpha: -2);
                var (_, top) = score.topk(91, dim: 1, largest: false, sorted: true);
            }
            Lap("GEMM + topk");
        }
        var index = new ExactKnnIndex(x, threads: threads);
        var graph = index.QueryIndexed(90);
        Lap("exact kNN k=90");
        var p = PerplexityAffinities.FromGraph(graph, 30, threads);
        Lap($"affinities (nnz {p.NonZeroCount})");
        var start = TsneInitialization.Pca(x, 2, 0, threads);
        Lap("PCA init");
        var options = new TsneOptions { Threads = threads, Iterations = 300, EarlyExaggerationIterations = 250 };
        foreach (var method in new[] { TsneRepulsionMethod.BarnesHut, TsneRepulsionMethod.Fft })
        {
            var embedding = Tsne.Fit(p, start, options with { Repulsion = method });
            Lap($"300 iterations {method}");
            var y = embedding.RawPositions;
            var forces = new double[y.Length];
            ITsneRepulsion repulsion = method == TsneRepulsionMethod.Fft ? new FftRepulsion(threads) : new BarnesHutRepulsion(2, 0.5, threads);
            for (int i = 0; i < 20; i++) repulsion.Compute(y, n, forces);
            Lap($"20 x repulsion {method} (range {y.Max() - y.Min():0.0})");
        }
        foreach (int size in new[] { 300, 480, 600 })
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var grid = TorchSharp.torch.randn(4, size, size);
            var kernel = TorchSharp.torch.randn(size, size);
            for (int i = 0; i < 20; i++)
            {
                var spectrum = TorchSharp.torch.fft.rfft2(grid).mul_(TorchSharp.torch.fft.rfft2(kernel));
                var back = TorchSharp.torch.fft.irfft2(spectrum, s: [size, size]);
            }
            Lap($"20 x torch FFT pair {size}");
        }
        var attraction = new double[2 * n];
        var yy = start.ToDoubles();
        for (int i = 0; i < 20; i++) TsneGradient.Attraction(p, yy, 2, attraction, threads);
        Lap("20 x attraction");
        return 0;
    }
}
