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
/// the exported CNN and BiLSTM fixtures, as the fastest of interleaved runs: <c>-- onnx-torch [threads] [repetitions]</c>.
/// A quicker read of the same comparison as <see cref="OnnxTorchBenchmarks"/> (which BenchmarkDotNet runs in full).
/// </summary>
public static class OnnxTorchSpeed
{
    private const int Batch = 256;
    private const int SettleMilliseconds = 20;

    public static int Run(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
        int repetitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        torch.set_num_threads(threads);
        Console.WriteLine($"batch {Batch}, {threads} thread(s), fastest of {repetitions} interleaved runs");
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

    /// <summary>The fastest of <paramref name="repetitions"/> runs of each action, taken in turn (each after a pause
    /// of <see cref="SettleMilliseconds"/>) so a busy machine slows them alike, as wall time and as CPU time of the process. On a shared machine the CPU time is the fairer
    /// figure: a run that is preempted loses wall time but no CPU time, and a longer run is preempted more often.</summary>
    private static (double Wall, double Cpu)[] Interleaved(int repetitions, Action[] runs)
    {
        foreach (var run in runs) for (int i = 0; i < 3; i++) run(); // warm-up: first-call allocations, kernel choice
        var best = Enumerable.Repeat((Wall: double.MaxValue, Cpu: double.MaxValue), runs.Length).ToArray();
        for (int i = 0; i < repetitions; i++)
            for (int r = 0; r < runs.Length; r++)
            {
                // Let the previous run's threads go idle first: ONNX Runtime's workers spin for new work after a run,
                // and on two cores a spinning worker takes a core from whatever is timed next.
                Thread.Sleep(SettleMilliseconds);
                double cpu = ProcessCpuMilliseconds();
                long start = Stopwatch.GetTimestamp();
                runs[r]();
                double wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                cpu = ProcessCpuMilliseconds() - cpu;
                best[r] = (Math.Min(best[r].Wall, wall), Math.Min(best[r].Cpu, cpu));
            }
        return best;
    }

    /// <summary>CPU time of all the process's threads (<see cref="CpuClock.Process"/>), in milliseconds.</summary>
    private static double ProcessCpuMilliseconds() => CpuClock.Process() * 1e3;
}
