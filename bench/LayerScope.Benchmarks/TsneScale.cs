using System.Diagnostics;
using System.Globalization;
using LayerScope.Reduction;
using LayerScope.Reduction.Neighbors;
using LayerScope.Reduction.Tsne;
using LayerScope.Storage.Npy;

namespace LayerScope.Benchmarks;

/// <summary>
/// t-SNE's stages on a matrix at scale (issue 15): kNN (or a cached graph), affinities, PCA start and the iterations,
/// the repulsion timed inside them, each stage's wall and CPU seconds and the peak resident memory it reached (the
/// peak is reset before each stage through /proc/self/clear_refs, so every stage shows its own high-water mark), and
/// every 50 iterations the layout's range and the repulsion's node grid.
/// <code>dotnet run -c Release --project bench/LayerScope.Benchmarks -- tsne-scale X.npy [--threads 2]
///     [--iterations 750] [--graph-cache DIR] [--out LAYOUT.npy] [--reorder-from N]</code>
/// The graph cache holds the k = 90 neighbour graph of X (exact up to <see cref="KnnSearch.ExactLimit"/> points, else
/// the approximate one), so that reruns time the later stages without paying for the kNN again.
/// </summary>
public static class TsneScale
{
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: tsne-scale X.npy [--threads 2] [--iterations 750] [--graph-cache DIR] [--out LAYOUT.npy]");
            return 2;
        }
        int threads = int.Parse(Option(args, "--threads", "2"), CultureInfo.InvariantCulture);
        int iterations = int.Parse(Option(args, "--iterations", "750"), CultureInfo.InvariantCulture);
        string? cache = Option(args, "--graph-cache", null);
        string? output = Option(args, "--out", null);
        var clock = new StageClock();

        var npy = NpyReader.Read(args[0]);
        var x = new DenseMatrix(npy.ToFloat32(), (int)npy.Shape[0], (int)npy.Shape[1]);
        int n = x.Rows;
        ReductionThreads.ApplyToTorch(threads);
        _ = LayerScope.Reduction.Pca.PcaReducer.Fit(DenseMatrix.Zeros(4, 2), new LayerScope.Reduction.Pca.PcaOptions { Components = 1, Threads = threads });
        clock.Lap($"load {n} x {x.Columns}, torch start");

        var options = new TsneOptions { Threads = threads, Iterations = iterations };
        if (Option(args, "--reorder-from", null) is { } from) options = options with { ReorderMinPoints = int.Parse(from, CultureInfo.InvariantCulture) };
        int k = options.NeighborCountFor(n);
        string? cached = cache is null ? null : Path.Combine(cache, $"{Path.GetFileNameWithoutExtension(args[0])}-{n}-k{k}.graph");
        KnnGraph graph;
        if (cached is not null && File.Exists(cached))
        {
            graph = ReadGraph(cached, n, k);
            clock.Lap("kNN (cached graph read)");
        }
        else
        {
            graph = KnnSearch.CreateIndex(x, KnnMethod.Auto, DistanceMetric.Euclidean, 0, threads).QueryIndexed(k);
            clock.Lap($"kNN k={k} ({(n <= KnnSearch.ExactLimit ? "exact" : "approximate")})");
            if (cached is not null) { Directory.CreateDirectory(cache!); WriteGraph(cached, graph); }
        }

        var affinities = PerplexityAffinities.FromGraph(graph, options.Perplexity, threads);
        clock.Lap($"affinities (nnz {affinities.NonZeroCount})");
        graph = null!;
        var start = TsneInitialization.Pca(x, 2, 0, threads);
        x = null!;
        GC.Collect();
        clock.Lap("PCA start");

        double[] positions;
        if (Option(args, "--layout", null) is { } layoutPath)
        {
            // A saved layout (from --out) instead of the iterations: the A/B calls below on a final layout in seconds.
            var layout = NpyReader.Read(layoutPath);
            if (layout.Shape[0] != n || layout.Shape[1] != 2) throw new InvalidOperationException($"{layoutPath} is not {n} x 2");
            positions = layout.ToFloat32().Select(v => (double)v).ToArray();
            clock.Lap($"layout read from {Path.GetFileName(layoutPath)} (no iterations)");
        }
        else
        {
            var repulsion = new TimedRepulsion(new FftRepulsion(threads));
            Array.Clear(FftRepulsion.PhaseMilliseconds);
            var embedding = TsneReducer.Fit(affinities, start, options, repulsion);
            var reports = embedding.Reports;
            positions = embedding.RawPositions;
            clock.Lap($"{iterations} iterations (Z-order storage from {options.ReorderMinPoints} points)");
            Console.WriteLine(FormattableString.Invariant(
                $"  of which repulsion: wall {repulsion.Wall:0.0} s, cpu {repulsion.Cpu:0.0} s; phases (weights, spread, kernel, fft, interpolate) s: {string.Join(", ", FftRepulsion.PhaseMilliseconds.Select(v => (v / 1000).ToString("0.0", CultureInfo.InvariantCulture)))}"));
            foreach (var (iteration, range, spacing, nodes) in repulsion.Grids)
                Console.WriteLine(FormattableString.Invariant($"  iteration {iteration,4}: range {range,7:0.0}, spacing {spacing:0.000}, nodes {nodes}, transform {FftRepulsion.FftFriendlySize(2 * nodes - 1)}"));
            foreach (var report in reports.Where(r => r.Iteration % 250 == 0 || r == reports[^1]))
                Console.WriteLine(FormattableString.Invariant($"  KL at {report.Iteration}: {report.KlDivergence:0.0000}"));
        }

        var order = TsnePointOrder.ZOrder(positions, n, 2);
        var stored = affinities.StoredAt(order, threads);
        var slots = order.ToSlots(positions);
        clock.Lap("Z-order of the final layout and P stored in it");
        AttractionAb(affinities, positions, stored, slots, order, threads, int.Parse(Option(args, "--rounds", "3"), CultureInfo.InvariantCulture));
        clock.Lap("attraction A/B");
        var forces = new double[2 * n];
        var fft = new FftRepulsion(threads);
        fft.Compute(positions, n, forces);
        clock.Lap("1 x repulsion (input order, first call)");
        for (int i = 0; i < 5; i++) fft.Compute(positions, n, forces);
        clock.Lap("5 x repulsion, input order");
        for (int i = 0; i < 5; i++) fft.Compute(slots, n, forces);
        clock.Lap("5 x repulsion, Z-order storage");
        if (output is not null)
            NpyWriter.Write(output, NpyArray.Create(positions.Select(v => (float)v).ToArray(), n, 2));
        Console.WriteLine(FormattableString.Invariant($"peak RSS of the process: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:0} MB (since the last stage's reset; see the stages)"));
        return 0;
    }

    /// <summary>Each attraction kernel on the final layout, in input order and in Z-order storage, in interleaved
    /// rounds (3 calls per variant per round, so that a change in the machine's load hits all variants alike): CPU and
    /// wall time per call, CPU ns per affinity, and the largest difference from the one-at-a-time double sums relative
    /// to the row's Σ p (the scale of a row's attraction).</summary>
    private static void AttractionAb(TsneAffinities plain, double[] positions, TsneAffinities stored, double[] slots,
        TsnePointOrder order, int threads, int rounds)
    {
        int n = plain.Count;
        var reference = new double[2 * n];
        TsneGradient.Attraction(plain, positions, 2, reference, threads, TsneAttractionKernel.OneAtATime);
        var rowMass = new double[n];
        for (int i = 0; i < n; i++)
            for (int e = plain.RowOffsets[i]; e < plain.RowOffsets[i + 1]; e++) rowMass[i] += plain.Values[e];
        var variants = new List<(string Name, TsneAffinities P, double[] Y, TsneAttractionKernel Kernel)>
        {
            ("input order, one at a time", plain, positions, TsneAttractionKernel.OneAtATime),
            ("input order, AVX2 double", plain, positions, TsneAttractionKernel.VectorDouble),
            ("input order, packed float32", plain, positions, TsneAttractionKernel.PackedFloat),
            ("Z-order, AVX2 double", stored, slots, TsneAttractionKernel.VectorDouble),
            ("Z-order, packed float32", stored, slots, TsneAttractionKernel.PackedFloat),
        };
        var cpu = new double[variants.Count];
        var wall = new double[variants.Count];
        var error = new double[variants.Count];
        var result = new double[2 * n];
        var packed = new float[2 * n];
        for (int round = 0; round < rounds; round++)
            for (int v = 0; v < variants.Count; v++)
            {
                var (_, p, y, kernel) = variants[v];
                TsneGradient.Attraction(p, y, 2, result, threads, kernel, packed); // warm (and the result checked)
                long begin = Stopwatch.GetTimestamp();
                double cpuBegin = CpuClock.Process();
                for (int call = 0; call < 3; call++) TsneGradient.Attraction(p, y, 2, result, threads, kernel, packed);
                cpu[v] += CpuClock.Process() - cpuBegin;
                wall[v] += Stopwatch.GetElapsedTime(begin).TotalSeconds;
                var byPoint = ReferenceEquals(p, stored) ? order.ToPoints(result) : result;
                for (int c = 0; c < 2 * n; c++)
                    error[v] = Math.Max(error[v], Math.Abs(byPoint[c] - reference[c]) / rowMass[c / 2]);
            }
        long nnz = plain.NonZeroCount;
        foreach (var (v, (name, _, _, _)) in variants.Index())
        {
            int calls = 3 * rounds;
            Console.WriteLine(FormattableString.Invariant(
                $"  attraction {name,-48} cpu {1000 * cpu[v] / calls,8:0.0} ms/call  wall {1000 * wall[v] / calls,8:0.0} ms/call  cpu {1e9 * cpu[v] / calls / nnz,6:0.00} ns/affinity  max |diff| / row sum p {error[v]:0.0e+0}"));
        }
    }

    private static string? Option(string[] args, string name, string? fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    private static void WriteGraph(string path, KnnGraph graph)
    {
        using var writer = new BinaryWriter(File.Create(path));
        foreach (int i in graph.Indices) writer.Write(i);
        foreach (float d in graph.Distances) writer.Write(d);
    }

    private static KnnGraph ReadGraph(string path, int n, int k)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        var indices = new int[(long)n * k];
        var distances = new float[(long)n * k];
        for (long i = 0; i < indices.LongLength; i++) indices[i] = reader.ReadInt32();
        for (long i = 0; i < distances.LongLength; i++) distances[i] = reader.ReadSingle();
        return new KnnGraph(indices, distances, n, k);
    }

    /// <summary>Wall and CPU time and the peak resident memory of each stage since the previous lap.</summary>
    private sealed class StageClock
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private double _cpu = CpuClock.Process();

        public StageClock() => ResetPeak();

        public void Lap(string what)
        {
            double wall = _watch.Elapsed.TotalSeconds, cpu = CpuClock.Process() - _cpu;
            Console.WriteLine(FormattableString.Invariant(
                $"{what,-44} wall {wall,8:0.00} s  cpu {cpu,8:0.00} s  cores {cpu / Math.Max(wall, 1e-9):0.00}  peak RSS {PeakMegabytes(),6:0} MB  now {CurrentMegabytes(),6:0} MB"));
            ResetPeak();
            _cpu = CpuClock.Process();
            _watch.Restart();
        }

        // Writing 5 to clear_refs resets the VmHWM high-water mark to the current RSS (Linux).
        private static void ResetPeak()
        {
            try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        private static double PeakMegabytes() => Status("VmHWM:");

        private static double CurrentMegabytes() => Status("VmRSS:");

        private static double Status(string field)
        {
            if (!File.Exists("/proc/self/status")) return double.NaN;
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
            return double.NaN;
        }
    }

    /// <summary>Times the repulsion inside the iterations and notes its grid every 50 calls.</summary>
    private sealed class TimedRepulsion(FftRepulsion inner) : ITsneRepulsion
    {
        private int _calls;

        public double Wall { get; private set; }
        public double Cpu { get; private set; }
        public List<(int Iteration, double Range, double Spacing, int Nodes)> Grids { get; } = [];

        public double Compute(double[] y, int n, double[] forces)
        {
            long start = Stopwatch.GetTimestamp();
            double cpu = CpuClock.Process();
            double z = inner.Compute(y, n, forces);
            Cpu += CpuClock.Process() - cpu;
            Wall += Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (_calls++ % 50 == 0)
            {
                double min = double.PositiveInfinity, max = double.NegativeInfinity;
                foreach (double v in y.AsSpan(0, 2 * n)) { min = Math.Min(min, v); max = Math.Max(max, v); }
                var (spacing, nodes) = inner.Grid(max - min);
                Grids.Add((_calls - 1, max - min, spacing, nodes));
            }
            return z;
        }
    }
}
