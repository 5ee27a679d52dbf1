using System.Diagnostics;
using System.Globalization;
using LayerScope.Gradients;
using LayerScope.Onnx;
using LayerScope.Onnx.Torch;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;

namespace LayerScope.Benchmarks;

/// <summary>
/// The forward-time ratio of the TorchSharp executor to ONNX Runtime at batch 256 on the same number of threads, for
/// the exported CNN and BiLSTM fixtures, as the fastest of interleaved blocks of runs: <c>-- onnx-torch [threads] [repetitions]</c>.
/// A quicker read of the same comparison as <see cref="OnnxTorchBenchmarks"/> (which BenchmarkDotNet runs in full).
/// </summary>
public static class OnnxTorchSpeed
{
    internal const int Batch = 256;
    internal const int SettleMilliseconds = 20;

    public static int Run(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
        int repetitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        torch.set_num_threads(threads);
        Console.WriteLine($"batch {Batch}, {threads} thread(s), fastest run of {repetitions} interleaved blocks of {BlockRuns} ({BlockRuns - 1} timed)");
        Console.WriteLine($"{"model",-12} {"clock",-5} {"ORT ms",8} {"no-grad ms",11} {"ratio",6} {"autograd ms",12} {"ratio",6}");
        foreach (var name in new[] { "resnet_cnn", "text_bilstm" })
        {
            var onnx = OnnxModel.Open(Path.Combine(OnnxTorchBenchmarks.FindFixtures(), name + ".onnx"));
            using var model = OnnxTorchModel.Load(onnx);
            using var session = onnx.CreateSession([], threads);
            using var runOptions = new RunOptions();
            var (ortInput, input) = OnnxTorchBenchmarks.RandomInput(name, Batch);
            Action[] runs =
            [
                () => { using var outputs = session.Run(runOptions, [onnx.Inputs[0].Name], [ortInput], ["output"]); },
                () => { using var forward = model.Forward(input, new ForwardRequest(["output"], Gradients: false)); },
                () => { using var forward = model.Forward(input, new ForwardRequest(["output"])); },
            ];
            var times = Interleaved(repetitions, runs);
            foreach (var (clock, pick) in new (string, Func<(double Wall, double Cpu), double>)[] { ("wall", t => t.Wall), ("cpu", t => t.Cpu) })
            {
                var (ort, noGrad, withGrad) = (pick(times[0]), pick(times[1]), pick(times[2]));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-12} {clock,-5} {ort,8:0.00} {noGrad,11:0.00} {noGrad / ort,6:0.00} {withGrad,12:0.00} {withGrad / ort,6:0.00}"));
            }
            ortInput.Dispose();
            input.Dispose();
        }
        return 0;
    }

    /// <summary>The fastest of <paramref name="repetitions"/> blocks of runs of each action, the blocks taken in turn so
    /// a busy machine slows them alike, as wall time and as CPU time of the process. On a shared machine the CPU time
    /// is the fairer figure: a run that is preempted loses wall time but no CPU time, and a longer run is preempted more
    /// often. Each block runs the action <see cref="BlockRuns"/> times back to back and times all but the first, as a
    /// caller running batch after batch would: ONNX Runtime's workers spin for new work for more than 20 ms after a
    /// run (measured with onnx-ab's per-thread times), so the first run after a block of the other runtime shares the
    /// two cores with a spinning worker, and a long pause instead lets the cores slow down (every variant slower).</summary>
    private static (double Wall, double Cpu)[] Interleaved(int repetitions, Action[] runs)
    {
        foreach (var run in runs) for (int i = 0; i < 3; i++) run(); // warm-up: first-call allocations, kernel choice
        var best = Enumerable.Repeat((Wall: double.MaxValue, Cpu: double.MaxValue), runs.Length).ToArray();
        for (int i = 0; i < repetitions; i++)
            for (int r = 0; r < runs.Length; r++)
            {
                Thread.Sleep(SettleMilliseconds);
                runs[r](); // shares the cores with what ran before
                for (int k = 1; k < BlockRuns; k++)
                {
                    double cpu = ProcessCpuMilliseconds();
                    long start = Stopwatch.GetTimestamp();
                    runs[r]();
                    double wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    cpu = ProcessCpuMilliseconds() - cpu;
                    best[r] = (Math.Min(best[r].Wall, wall), Math.Min(best[r].Cpu, cpu));
                }
            }
        return best;
    }

    /// <summary>Runs per block in <see cref="Interleaved"/>: the first is not timed.</summary>
    internal const int BlockRuns = 4;

    /// <summary>CPU time of all the process's threads (<see cref="CpuClock.Process"/>), in milliseconds.</summary>
    private static double ProcessCpuMilliseconds() => CpuClock.Process() * 1e3;
}

/// <summary>
/// Variants of one fixture's forward pass at batch 256, interleaved in one process so a busy machine slows them
/// alike (each timed run is the last of a block of runs, see <see cref="OnnxTorchSpeed"/>): <c>-- onnx-ab MODEL REPETITIONS VARIANT...</c>. A variant is <c>ort1</c>/<c>ort2</c> (ONNX Runtime on 1 or 2
/// intra-op threads), or <c>tN</c> (the TorchSharp executor without autograd on N libtorch threads) with suffixes
/// <c>g</c> (with autograd), <c>p</c> (in-place elementwise off), <c>c</c> (the batch in chunks, one per thread), <c>m</c> (libtorch's oneDNN off), <c>d</c> (a bidirectional LSTM's directions in one module), <c>w</c> (its reverse direction always on the pool thread);
/// LAYERSCOPE_BENCH_MALLOC=default loads every model with <see cref="OnnxTorchOptions.KeepFreedMemory"/> off. Besides the fastest and median wall and CPU time it
/// prints how many of the process's threads ran during a pass (more than 0.2 ms of CPU time, from
/// /proc/self/task/*/schedstat), which shows whether a runtime really used the threads it was given.
/// <c>-- onnx-nodes MODEL THREADS REPETITIONS</c> times each node of the executor's pass on its own (fastest of the
/// repetitions per node).
/// </summary>
public static class OnnxTorchAb
{
    private const int Batch = OnnxTorchSpeed.Batch;
    private const int SettleMilliseconds = OnnxTorchSpeed.SettleMilliseconds;
    private const int BlockRuns = OnnxTorchSpeed.BlockRuns;

    public static int Run(string[] args)
    {
        string name = args[0];
        int repetitions = int.Parse(args[1], CultureInfo.InvariantCulture);
        var variants = args[2..];
        var onnx = OnnxModel.Open(Path.Combine(OnnxTorchBenchmarks.FindFixtures(), name + ".onnx"));
        var (ortInput, input) = OnnxTorchBenchmarks.RandomInput(name, Batch);
        var disposables = new List<IDisposable>();
        var runs = new List<(string Name, int TorchThreads, Action Run)>();
        foreach (var variant in variants)
        {
            if (variant.StartsWith("ort", StringComparison.Ordinal))
            {
                var session = onnx.CreateSession([], int.Parse(variant[3..], CultureInfo.InvariantCulture));
                var runOptions = new RunOptions();
                disposables.Add(session);
                disposables.Add(runOptions);
                runs.Add((variant, 1, () => { using var o = session.Run(runOptions, [onnx.Inputs[0].Name], [ortInput], ["output"]); }));
                continue;
            }
            int threads = variant[1] - '0';
            bool gradients = variant.Contains('g');
            var model = OnnxTorchModel.Load(onnx, new OnnxTorchOptions
            {
                InPlace = !variant.Contains('p'),
                BatchThreads = variant.Contains('c') ? threads : 1,
                RecurrentDirections = variant.Contains('d') ? RecurrentDirections.OneModule
                    : variant.Contains('w') ? RecurrentDirections.PoolThread : RecurrentDirections.Offered,
                KeepFreedMemory = Environment.GetEnvironmentVariable("LAYERSCOPE_BENCH_MALLOC") != "default",
            });
            disposables.Add(model);
            bool mkldnnOff = variant.Contains('m');
            runs.Add((variant, threads, () =>
            {
                if (mkldnnOff) LibTorchSwitches.SetMkldnn(false);
                try { using var f = model.Forward(input, new ForwardRequest(["output"], Gradients: gradients)); }
                finally { if (mkldnnOff) LibTorchSwitches.SetMkldnn(true); }
            }));
        }
        Console.WriteLine($"{name}, batch {Batch}, {repetitions} interleaved runs, load average {LoadAverage()}");
        var wall = runs.Select(_ => new List<double>()).ToArray();
        var cpu = runs.Select(_ => new List<double>()).ToArray();
        var busy = runs.Select(_ => new List<int>()).ToArray();
        var perThread = runs.Select(_ => new List<string[]>()).ToArray();
        for (int i = -3; i < repetitions; i++)
            for (int r = 0; r < runs.Count; r++)
            {
                torch.set_num_threads(runs[r].TorchThreads);
                Thread.Sleep(SettleMilliseconds);
                for (int k = 1; k < BlockRuns; k++) runs[r].Run(); // as in OnnxTorchSpeed.Interleaved: the last of a block is timed
                var before = ThreadTimes();
                double cpuStart = CpuClock.Process();
                long start = Stopwatch.GetTimestamp();
                runs[r].Run();
                double w = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                double c = (CpuClock.Process() - cpuStart) * 1e3;
                var after = ThreadTimes();
                if (i < 0) continue; // warm-up
                var deltas = after.Select(a => (Ms: (a.Value - before.GetValueOrDefault(a.Key)) * 1e-6, Thread: a.Key))
                    .Where(d => d.Ms > 0.2).OrderByDescending(d => d.Ms).Select(d => $"{d.Ms.ToString("0.00", CultureInfo.InvariantCulture)}({ThreadName(d.Thread)})").ToArray();
                wall[r].Add(w);
                cpu[r].Add(c);
                busy[r].Add(deltas.Length);
                perThread[r].Add(deltas);
            }
        Console.WriteLine($"{"variant",-8} {"wall min",9} {"wall med",9} {"cpu min",8} {"cpu med",8} {"busy thr",9}  per-thread ms at the median-wall run");
        for (int r = 0; r < runs.Count; r++)
        {
            var order = Enumerable.Range(0, wall[r].Count).OrderBy(k => wall[r][k]).ToArray();
            var median = order[order.Length / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{runs[r].Name,-8} {wall[r].Min(),9:0.00} {Median(wall[r]),9:0.00} {cpu[r].Min(),8:0.00} {Median(cpu[r]),8:0.00} {Median(busy[r].Select(b => (double)b).ToList()),9:0.0}  {string.Join(" ", perThread[r][median])}"));
        }
        foreach (var d in disposables) d.Dispose();
        ortInput.Dispose();
        input.Dispose();
        return 0;
    }

    public static int Nodes(string[] args)
    {
        string name = args[0];
        int threads = int.Parse(args[1], CultureInfo.InvariantCulture);
        int repetitions = int.Parse(args[2], CultureInfo.InvariantCulture);
        bool inPlace = !(args.Length > 3 && args[3].Contains('p'));
        if (args.Length > 3 && args[3].Contains('m')) LibTorchSwitches.SetMkldnn(false);
        torch.set_num_threads(threads);
        var onnx = OnnxModel.Open(Path.Combine(OnnxTorchBenchmarks.FindFixtures(), name + ".onnx"));
        var (ortInput, input) = OnnxTorchBenchmarks.RandomInput(name, Batch);
        using var model = OnnxTorchModel.Load(onnx, new OnnxTorchOptions
        {
            InPlace = inPlace, KeepFreedMemory = Environment.GetEnvironmentVariable("LAYERSCOPE_BENCH_MALLOC") != "default",
        });
        var steps = model.StepNames;
        var best = Enumerable.Repeat(long.MaxValue, steps.Count).ToArray();
        long inNodes = 0;
        model.StepTimer = (index, ticks) => { best[index] = Math.Min(best[index], ticks); inNodes += ticks; };
        double fastest = double.MaxValue, outside = double.MaxValue;
        for (int i = 0; i < repetitions; i++)
        {
            Thread.Sleep(SettleMilliseconds);
            inNodes = 0;
            long start = Stopwatch.GetTimestamp();
            using (model.Forward(input, new ForwardRequest(["output"], Gradients: false))) { }
            double pass = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            fastest = Math.Min(fastest, pass);
            outside = Math.Min(outside, pass - inNodes * 1e3 / Stopwatch.Frequency);
        }
        double Ms(long ticks) => ticks * 1e3 / Stopwatch.Frequency;
        Console.WriteLine($"{name}, {threads} thread(s), fastest of {repetitions} per node, load average {LoadAverage()}");
        for (int s = 0; s < steps.Count; s++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{s,3} {steps[s].OpType,-20} {Ms(best[s]),7:0.000}  {steps[s].Name}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sum of node minima {best.Sum(Ms):0.00} ms; fastest whole pass {fastest:0.00} ms; least time outside the nodes in one pass {outside:0.000} ms"));
        ortInput.Dispose();
        input.Dispose();
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>Each thread's time on a CPU so far, in nanoseconds (first field of /proc/self/task/TID/schedstat).</summary>
    private static Dictionary<string, long> ThreadTimes()
    {
        var times = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux()) return times;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                var text = File.ReadAllText(Path.Combine(task, "schedstat"));
                times[Path.GetFileName(task)] = long.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
            }
            catch (IOException) { }
        }
        return times;
    }

    private static string ThreadName(string id)
    {
        try { return File.ReadAllText($"/proc/self/task/{id}/comm").Trim(); }
        catch (IOException) { return id; }
    }

    private static string LoadAverage() => OperatingSystem.IsLinux() ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}

/// <summary>libtorch's global backend switches (at::globalContext()), reached by their C++ symbols: TorchSharp does not
/// expose them. Experiment only.</summary>
internal static class LibTorchSwitches
{
    [System.Runtime.InteropServices.DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [System.Runtime.InteropServices.DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.U1)] bool enabled);

    [System.Runtime.InteropServices.DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.U1)] bool enabled);

    public static void SetMkldnn(bool enabled) => SetUserEnabledMkldnn(GlobalContext(), enabled);

    public static void SetNnpack(bool enabled) => SetUserEnabledNnpack(GlobalContext(), enabled);
}
