using LayerScope.Reduction.Pca;
using System.Diagnostics;
using System.Globalization;
using LayerScope.Reduction.Neighbors;
using LayerScope.Reduction.Tsne;

namespace LayerScope.Benchmarks;

/// <summary>Times the stages of t-SNE and UMAP separately: <c>-- profile 25000 [threads]</c>. Each line gives wall and
/// CPU milliseconds and their ratio (cores used): on the shared machine wall time alone says little, and the ratio
/// shows which stages keep both cores busy (issue 15).</summary>
public static class StageProfile
{
    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 25_000;
        int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        var (x, _) = ClusterData.Create(n);
        var watch = Stopwatch.StartNew();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        void Lap(string what)
        {
            process.Refresh();
            double wall = watch.Elapsed.TotalMilliseconds, used = (process.TotalProcessorTime - cpu).TotalMilliseconds;
            Console.WriteLine(FormattableString.Invariant($"{what,-48} wall {wall,9:0.0} ms  cpu {used,9:0.0} ms  cores {used / Math.Max(1, wall):0.00}"));
            cpu = process.TotalProcessorTime;
            watch.Restart();
        }
        _ = PcaReducer.Fit(LayerScope.Reduction.DenseMatrix.Zeros(4, 2), new LayerScope.Reduction.Pca.PcaOptions { Components = 1, Threads = threads });
        Lap("torch start");
        var index = new ExactKnnIndex(x, threads: threads);
        var graph = index.QueryIndexed(90);
        Lap("exact kNN k=90");
        if (n > 0) goto skip;
        var approximate = new NNDescentIndex(x, seed: 1, threads: threads).QueryIndexed(90);
        long hits = 0;
        for (int i = 0; i < n; i++) foreach (int j in approximate.NeighborsOf(i)) if (graph.NeighborsOf(i).Contains(j)) hits++;
        Lap($"NN-descent kNN k=90 (recall {hits / (90.0 * n):0.000})");
        skip:
        var p = PerplexityAffinities.FromGraph(graph, 30, threads);
        Lap($"affinities (nnz {p.NonZeroCount})");
        var start = TsneInitialization.Pca(x, 2, 0, threads);
        Lap("PCA init");
        var options = new TsneOptions { Threads = threads, Iterations = 1000 };
        foreach (var method in new[] { TsneRepulsionMethod.Fft })
        {
            var embedding = TsneReducer.Fit(p, start, options with { Repulsion = method });
            Lap($"300 iterations {method}");
            var y = embedding.RawPositions;
            var forces = new double[y.Length];
            ITsneRepulsion repulsion = method == TsneRepulsionMethod.Fft ? new FftRepulsion(threads) : new BarnesHutRepulsion(2, 0.5, threads);
            Array.Clear(FftRepulsion.PhaseMilliseconds);
            for (int i = 0; i < 20; i++) repulsion.Compute(y, n, forces);
            Console.WriteLine("  FFT phases (weights, spread, kernel, fft, interpolate) ms: " + string.Join(", ", FftRepulsion.PhaseMilliseconds.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture))));
            Lap($"20 x repulsion {method} (range {y.Max() - y.Min():0.0})");
        }
        var attraction = new double[2 * n];
        var yy = start.ToDoubles();
        for (int i = 0; i < 20; i++) TsneGradient.Attraction(p, yy, 2, attraction, threads);
        Lap("20 x attraction");
        var graph15 = graph.Truncate(15);
        var fuzzy = LayerScope.Reduction.Umap.FuzzySimplicialSet.FromGraph(graph15, threads);
        Lap("UMAP fuzzy set (15-NN)");
        var umapStart = LayerScope.Reduction.Umap.SpectralInitialization.TrySpectral(fuzzy, 2, 0, threads, data: x)
            ?? LayerScope.Reduction.Umap.SpectralInitialization.Pca(x, 2, 0, threads);
        Lap("UMAP spectral start");
        _ = LayerScope.Reduction.Umap.UmapReducer.Fit(fuzzy, umapStart, new LayerScope.Reduction.Umap.UmapOptions { Threads = threads });
        Lap("UMAP layout (default epochs)");
        return 0;
    }
}
