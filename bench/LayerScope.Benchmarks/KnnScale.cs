using System.Diagnostics;
using System.Globalization;
using LayerScope.Reduction;
using LayerScope.Reduction.Neighbors;

namespace LayerScope.Benchmarks;

/// <summary>
/// Exact against approximate kNN graphs: <c>-- knn --sizes 25000,50000 --k 15,90 [--exact-max 100000] [--sample 2000]
/// [--threads 2] [--data blobs|fashion|X.npy] [--save X.npy] [--descent-list 30] [--refine R] [--hop H] [--leaf L] [--candidates C] [--trees T] [--rounds R] [--min-list L] [--delta δ] [--cell-pool P (0: forest and descent)] [--cell-size S] [--target R] [--tile T (pool points per GEMM tile)]</c>. One JSON line per (method, N, k): wall and CPU seconds,
/// distances evaluated (NN-descent), and recall against the exact neighbours of a fixed random sample of points (the
/// exact search of the sample alone, so recall is known at sizes where the full exact graph is too slow).
/// </summary>
public static class KnnScale
{
    public static int Run(string[] args)
    {
        var sizes = Option(args, "--sizes", "25000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var ks = Option(args, "--k", "15,90").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int exactMax = int.Parse(Option(args, "--exact-max", "100000"), CultureInfo.InvariantCulture);
        int sampleSize = int.Parse(Option(args, "--sample", "2000"), CultureInfo.InvariantCulture);
        int threads = int.Parse(Option(args, "--threads", "2"), CultureInfo.InvariantCulture);
        int? leaf = OptionalInt(args, "--leaf"), candidates = OptionalInt(args, "--candidates"), trees = OptionalInt(args, "--trees");
        int rounds = int.Parse(Option(args, "--rounds", "12"), CultureInfo.InvariantCulture);
        int minList = int.Parse(Option(args, "--min-list", "25"), CultureInfo.InvariantCulture);
        double delta = double.Parse(Option(args, "--delta", "0.001"), CultureInfo.InvariantCulture);
        int descentList = int.Parse(Option(args, "--descent-list", "30"), CultureInfo.InvariantCulture);
        int? refinements = OptionalInt(args, "--refine");
        int? hop = OptionalInt(args, "--hop");
        int? cellPool = OptionalInt(args, "--cell-pool");
        int cellSize = int.Parse(Option(args, "--cell-size", "500"), CultureInfo.InvariantCulture);
        double target = double.Parse(Option(args, "--target", "0.97"), CultureInfo.InvariantCulture);
        int tile = OptionalInt(args, "--tile") ?? NNDescentIndex.DefaultPoolTile;
        string data = Option(args, "--data", "blobs");
        var fashion = data == "fashion" ? FashionPca50(threads) : data.EndsWith(".npy", StringComparison.Ordinal) ? NpyMatrix(data) : null;
        if (Option(args, "--save", "") is { Length: > 0 } save && fashion is not null)
            LayerScope.Storage.Npy.NpyWriter.Write(save, LayerScope.Storage.Npy.NpyArray.Create(fashion.Values, fashion.Rows, fashion.Columns));
        foreach (int size in sizes)
        {
            int n = fashion is null ? size : Math.Min(size, fashion.Rows);
            var x = fashion is null ? ClusterData.Create(n).X : Rows(fashion, Enumerable.Range(0, Math.Min(n, fashion.Rows)).ToArray());
            var sample = Enumerable.Range(0, n).OrderBy(i => (i * 2654435761u) % 1_000_003).Take(Math.Min(sampleSize, n)).ToArray();
            var queries = Rows(x, sample);
            foreach (int k in ks)
            {
                // Truth for the sample: k + 1 exact neighbours of each sampled point, itself dropped.
                var truth = new ExactKnnIndex(x, threads: threads).Query(queries, k + 1);
                if (n <= exactMax)
                {
                    var (exact, wall, cpu) = Timed(() => new ExactKnnIndex(x, threads: threads).QueryIndexed(k));
                    Emit("exact", n, k, wall, cpu, Recall(exact, sample, truth, k), null);
                }
                var index = new NNDescentIndex(x, seed: 1, threads: threads, trees: trees, leafSize: leaf, maxCandidates: candidates, maxIterations: rounds, minimumListLength: minList, delta: delta,
                    descentListLength: descentList, refinements: refinements, hop: hop, cellPool: cellPool, cellSize: cellSize, targetRecall: target)
                { PoolTile = tile };
                var (graph, w, c) = Timed(() => index.QueryIndexed(k));
                Emit("nn-descent", n, k, w, c, Recall(graph, sample, truth, k), index.Statistics);
            }
        }
        return 0;
    }

    private static void Emit(string method, int n, int k, double wall, double cpu, double recall, NNDescentStatistics? stats)
    {
        string line = FormattableString.Invariant($"{{\"method\":\"{method}\",\"n\":{n},\"k\":{k},\"wall_s\":{wall:0.000},\"cpu_s\":{cpu:0.000},\"recall\":{recall:0.0000},\"load_avg\":{LoadAverage()}");
        if (stats is not null)
        {
            long perPoint = (stats.LeafDistances + stats.JoinDistances + stats.RefineDistances) / n;
            string changes = string.Join(",", stats.ChangesPerRound);
            string phases = string.Join(",", stats.PhaseSeconds.Select(p => p.ToString("0.000", CultureInfo.InvariantCulture)));
            line += FormattableString.Invariant($",\"refine_distances\":{stats.RefineDistances},\"leaf_distances\":{stats.LeafDistances},\"join_distances\":{stats.JoinDistances},\"distances_per_point\":{perPoint},\"rounds\":{stats.Rounds},\"cell_pool\":{stats.CellPool},\"changes\":[{changes}],\"phases_s\":[{phases}]");
        }
        Console.WriteLine(line + "}");
    }

    /// <summary>Fashion-MNIST's 70,000 images (train then test) projected on their first 50 principal components,
    /// from LAYERSCOPE_DATA or ../shared/data.</summary>
    private static DenseMatrix FashionPca50(int threads)
    {
        string root = Environment.GetEnvironmentVariable("LAYERSCOPE_DATA") ?? Path.Combine("..", "shared", "data");
        string folder = Path.Combine(root, "fashion-mnist");
        var train = LayerScope.Data.Loaders.FashionMnistLoader.Load(Path.Combine(folder, "train-images-idx3-ubyte.gz"), Path.Combine(folder, "train-labels-idx1-ubyte.gz"));
        var test = LayerScope.Data.Loaders.FashionMnistLoader.Load(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));
        var pixels = train.Pixels.Concat(test.Pixels).ToArray();
        var x = new DenseMatrix(pixels, train.Count + test.Count, train.PixelsPerImage);
        return LayerScope.Reduction.Pca.PcaReducer.Fit(x, new LayerScope.Reduction.Pca.PcaOptions { Components = 50, Threads = threads }).Transform(x, threads);
    }

    /// <summary>An N × D matrix from a .npy file (e.g. ../shared/bench/make_blobs.py's, so pynndescent sees the
    /// same points).</summary>
    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "null";

    private static DenseMatrix NpyMatrix(string path)
    {
        var array = LayerScope.Storage.Npy.NpyReader.Read(path);
        return new DenseMatrix(array.ToFloat32(), (int)array.Shape[0], (int)array.Shape[1]);
    }

    private static double Recall(KnnGraph graph, int[] sample, KnnGraph truth, int k)
    {
        long hits = 0;
        for (int s = 0; s < sample.Length; s++)
        {
            var exact = truth.NeighborsOf(s).ToArray().Where(j => j != sample[s]).Take(k).ToHashSet();
            foreach (int j in graph.NeighborsOf(sample[s])) if (exact.Contains(j)) hits++;
        }
        return hits / (double)((long)sample.Length * k);
    }

    private static DenseMatrix Rows(DenseMatrix x, int[] rows)
    {
        var values = new float[(long)rows.Length * x.Columns];
        for (int r = 0; r < rows.Length; r++) x.Row(rows[r]).CopyTo(values.AsSpan(r * x.Columns, x.Columns));
        return new DenseMatrix(values, rows.Length, x.Columns);
    }

    private static (T Result, double Wall, double Cpu) Timed<T>(Func<T> body)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var result = body();
        double wall = watch.Elapsed.TotalSeconds;
        process.Refresh();
        return (result, wall, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    private static int? OptionalInt(string[] args, string name) =>
        Array.IndexOf(args, name) >= 0 ? int.Parse(Option(args, name, "0"), CultureInfo.InvariantCulture) : null;
}
