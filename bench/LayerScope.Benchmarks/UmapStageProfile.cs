using System.Diagnostics;
using System.Globalization;
using LayerScope.Reduction;
using LayerScope.Reduction.Neighbors;
using LayerScope.Reduction.Umap;
using LayerScope.Storage.Npy;

namespace LayerScope.Benchmarks;

/// <summary>Times UMAP's stages on a matrix: <c>-- umap-profile X.npy [threads] [OUT.npy] [exact|approximate]
/// [--recall]</c> (or a cluster size instead of X.npy). Each line gives wall and CPU milliseconds and their ratio (the
/// cores used): on the shared machine the CPU seconds are the figure that other engineers' load changes least. With
/// OUT.npy the embedding is written for scoring (../shared/bench/peers.py scores files too); --recall also finds the
/// exact 14 neighbours (untimed) and prints the neighbour graph's recall.</summary>
public static class UmapStageProfile
{
    public static int Run(string[] args)
    {
        string input = args.Length > 0 ? args[0] : "25000";
        int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        string? output = args.Length > 2 && args[2].EndsWith(".npy", StringComparison.Ordinal) ? args[2] : null;
        var method = args.Contains("exact") ? KnnMethod.Exact : args.Contains("approximate") ? KnnMethod.Approximate : KnnMethod.Auto;
        bool recall = args.Contains("--recall");
        int spectralIterations = args.FirstOrDefault(a => a.StartsWith("iterations=", StringComparison.Ordinal)) is { } it ? int.Parse(it[11..], CultureInfo.InvariantCulture) : 300;
        var x = input.EndsWith(".npy", StringComparison.Ordinal) ? Matrix(input) : ClusterData.Create(int.Parse(input, CultureInfo.InvariantCulture)).X;
        int seed = args.FirstOrDefault(a => a.StartsWith("seed=", StringComparison.Ordinal)) is { } sd ? int.Parse(sd[5..], CultureInfo.InvariantCulture) : 0;
        int? epochs = args.FirstOrDefault(a => a.StartsWith("epochs=", StringComparison.Ordinal)) is { } ep ? int.Parse(ep[7..], CultureInfo.InvariantCulture) : null;
        var options = new UmapOptions { Threads = threads, KnnMethod = method, Seed = seed, Epochs = epochs };
        int n = x.Rows, k = options.Neighbors - 1;

        var process = Process.GetCurrentProcess();
        var watch = Stopwatch.StartNew();
        var cpu = process.TotalProcessorTime;
        TimeSpan totalCpu = TimeSpan.Zero, totalWall = TimeSpan.Zero;
        void Lap(string what)
        {
            process.Refresh();
            var used = process.TotalProcessorTime - cpu;
            totalCpu += used;
            totalWall += watch.Elapsed;
            Console.WriteLine(FormattableString.Invariant(
                $"{what,-52} wall {watch.Elapsed.TotalMilliseconds,9:0.0} ms  cpu {used.TotalMilliseconds,9:0.0} ms  cores {used.TotalMilliseconds / Math.Max(1, watch.Elapsed.TotalMilliseconds):0.00}"));
            cpu = process.TotalProcessorTime;
            watch.Restart();
        }
        ReductionThreads.ApplyToTorch(threads);
        _ = LayerScope.Reduction.Pca.PcaReducer.Fit(DenseMatrix.Zeros(4, 2), new LayerScope.Reduction.Pca.PcaOptions { Components = 1, Threads = threads });
        Lap("torch start");
        totalCpu = TimeSpan.Zero;
        totalWall = TimeSpan.Zero;

        var knnMethod = options.KnnMethodFor(n);
        var index = KnnSearch.CreateIndex(x, knnMethod, options.Metric, options.Seed, threads);
        var knn = index.QueryIndexed(k);
        Lap($"kNN {knnMethod} k={k}");
        var graph = FuzzySimplicialSet.FromGraph(knn, threads);
        Lap($"fuzzy simplicial set ({graph.Columns.Length} directed edges)");
        double tolerance = args.FirstOrDefault(a => a.StartsWith("tol=", StringComparison.Ordinal)) is { } tl ? double.Parse(tl[4..], CultureInfo.InvariantCulture) : GraphEigenvectors.DefaultTolerance;
        var start = SpectralInitialization.TrySpectral(graph, options.Dimensions, options.Seed, threads, spectralIterations, data: x, tolerance: tolerance);
        Lap(start is null ? "spectral start (did not converge)" : "spectral start");
        if (graph.CountComponents() == 1 && args.Contains("--lobpcg"))
        {
            var eigen = GraphEigenvectors.Smoothest(graph, options.Dimensions, options.Seed, threads, spectralIterations);
            Lap(FormattableString.Invariant($"  again, untimed: {eigen.Iterations} LOBPCG iterations, residual {eigen.Residual:g3}"));
            foreach (double tol in new[] { 1e-4, 3e-4, 1e-3 })
            {
                var pcs = SpectralInitialization.SmoothStart(graph, x, options.Dimensions + GraphEigenvectors.DefaultGuard, options.Seed, threads);
                Lap("  PCA start for LOBPCG");
                var warm = GraphEigenvectors.Smoothest(graph, options.Dimensions, options.Seed, threads, spectralIterations, tol, start: pcs);
                Lap(FormattableString.Invariant($"  PCA start, tolerance {tol:g2}: {warm.Iterations} iterations, residual {warm.Residual:g3}"));
                var cold = GraphEigenvectors.Smoothest(graph, options.Dimensions, options.Seed, threads, spectralIterations, tol);
                Lap(FormattableString.Invariant($"  random start, tolerance {tol:g2}: {cold.Iterations} iterations, residual {cold.Residual:g3}"));
            }
        }
        start ??= SpectralInitialization.Pca(x, options.Dimensions, options.Seed, threads);
        var embedding = UmapReducer.Fit(graph, start, options);
        Lap($"SGD layout ({options.EpochsFor(n)} epochs)");
        Console.WriteLine(FormattableString.Invariant(
            $"{"total (after torch start)",-52} wall {totalWall.TotalMilliseconds,9:0.0} ms  cpu {totalCpu.TotalMilliseconds,9:0.0} ms  cores {totalCpu / totalWall:0.00}"));
        if (output is not null)
        {
            NpyWriter.Write(output, NpyArray.Create(embedding.Positions.Values, n, options.Dimensions));
            if (args.Contains("--graph"))
            {
                // The fuzzy graph in compressed rows, for comparing with umap-learn's graph_ (scipy.sparse.csr_matrix).
                NpyWriter.Write(output + ".indptr.npy", NpyArray.Create(graph.RowOffsets, graph.RowOffsets.Length));
                NpyWriter.Write(output + ".indices.npy", NpyArray.Create(graph.Columns, graph.Columns.Length));
                NpyWriter.Write(output + ".weights.npy", NpyArray.Create(graph.Weights, graph.Weights.Length));
                NpyWriter.Write(output + ".start.npy", NpyArray.Create(start.Values, n, options.Dimensions));
            }
        }
        if (recall)
        {
            var exact = knnMethod == KnnMethod.Exact ? knn : new ExactKnnIndex(x, threads: threads).QueryIndexed(k);
            long hits = 0;
            for (int i = 0; i < n; i++)
            {
                var truth = exact.NeighborsOf(i);
                foreach (int j in knn.NeighborsOf(i)) if (truth.Contains(j)) hits++;
            }
            Console.WriteLine(FormattableString.Invariant($"neighbour recall against exact search: {hits / ((double)k * n):0.0000}"));
        }
        return 0;
    }

    private static DenseMatrix Matrix(string path)
    {
        var array = NpyReader.Read(path);
        return new DenseMatrix(array.ToFloat32(), (int)array.Shape[0], (int)array.Shape[1]);
    }
}
