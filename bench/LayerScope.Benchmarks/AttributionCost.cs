using System.Diagnostics;
using System.Globalization;
using LayerScope.Attribution;
using LayerScope.Attribution.Lrp;
using LayerScope.Data;
using LayerScope.Data.Images;
using LayerScope.Data.Loaders;
using LayerScope.Models.Zoo;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Benchmarks;

/// <summary>
/// The issue's speed figure (<c>-- attribution [images] [repetitions]</c>): explaining the Fashion-MNIST test images
/// (default all 10,000; random images when the data set is absent) with <see cref="FashionCnn"/> in batches of 256,
/// LRP-ε everywhere, the Montavon 2019 composite and gradient × input, each against the forward pass over the same
/// images. Runs alternate (forward, each method, forward, ...) so that drift in the machine's load hits all; medians
/// are compared, in wall time and in this process's CPU time (on a shared machine other jobs' load stretches wall time
/// but not CPU time, so the CPU ratio is the one to read there; the load average is printed). Budget: at most 3× the
/// forward. Threads: LAYERSCOPE_BENCH_THREADS, else 2.
/// </summary>
public static class AttributionCost
{
    private const int Batch = 256;

    public static int Run(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        int repetitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        torch.set_num_threads(int.TryParse(Environment.GetEnvironmentVariable("LAYERSCOPE_BENCH_THREADS"), out var t) ? t : 2);
        var images = Images(count);
        manual_seed(1);
        using var model = new FashionCnn();
        model.eval();
        var methods = new (string Name, Func<Tensor, float> Explain)[]
        {
            ("lrp-epsilon", new LayerwiseRelevance(model, LrpComposite.Uniform(LrpRule.EpsilonRule(0.25))) is var e ? x => e.Attribute(x, 3).Relevance.Values[0] : null!),
            ("lrp-composite", new LayerwiseRelevance(model, LrpComposite.Montavon2019(0, 1)) is var c ? x => c.Attribute(x, 3).Relevance.Values[0] : null!),
            ("gradient-x-input", new GradientTimesInput(new ExplainedModel(new ModuleDifferentiableModel(model), ModuleDifferentiableModel.OutputName)) is var g
                ? x => g.Attribute(x, 3).Relevance.Values[0] : null!),
        };
        float Forward(Tensor x)
        {
            using var noGrad = no_grad();
            return model.call(x).sum().item<float>();
        }
        var wall = new Dictionary<string, List<double>> { ["forward"] = [] };
        var cpu = new Dictionary<string, List<double>> { ["forward"] = [] };
        foreach (var (name, _) in methods) (wall[name], cpu[name]) = ([], []);
        Time(images, Forward);
        foreach (var (_, explain) in methods) Time(images, explain); // warm-up: JIT and libtorch's first calls
        string load = LoadAverage();
        for (int r = 0; r < repetitions; r++)
        {
            Record("forward", Forward);
            foreach (var (name, explain) in methods) Record(name, explain);
        }
        void Record(string name, Func<Tensor, float> work)
        {
            var (w, c) = Time(images, work);
            wall[name].Add(w);
            cpu[name].Add(c);
        }
        double forwardWall = Median(wall["forward"]), forwardCpu = Median(cpu["forward"]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{images.Count * Batch:N0} images in batches of {Batch}, median of {repetitions}, load average {load} → {LoadAverage()}:"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"",-18} {"wall",7}  {"×",5}  {"CPU",7}  {"×",5}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"forward (no grad)",-18} {forwardWall,6:0.00}s  {1,5:0.00}  {forwardCpu,6:0.00}s  {1,5:0.00}"));
        int worst = 0;
        foreach (var (name, _) in methods)
        {
            double w = Median(wall[name]), u = Median(cpu[name]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-18} {w,6:0.00}s  {w / forwardWall,5:0.00}  {u,6:0.00}s  {u / forwardCpu,5:0.00}"));
            if (u / forwardCpu > 3) worst = 1;
        }
        return worst;
    }

    /// <summary>Wall and CPU seconds (all of this process's threads) of one pass over the batches.</summary>
    private static (double Wall, double Cpu) Time(List<Tensor> batches, Func<Tensor, float> work)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            work(batch);
        }
        double wall = watch.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary>The 1-minute load average (Linux), or "?" elsewhere.</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static List<Tensor> Images(int count)
    {
        var folder = Environment.GetEnvironmentVariable("LAYERSCOPE_DATA") is { Length: > 0 } env ? env : Path.GetFullPath(Path.Combine("..", "shared", "data"));
        float[] pixels;
        try
        {
            var test = FashionMnistLoader.Load(DataDirectory.Choose(folder), FashionMnistSplit.Test).Take(count);
            pixels = test.Pixels;
            count = test.Count;
        }
        catch (Errors.LayerScopeException)
        {
            var random = new Random(1);
            pixels = Enumerable.Range(0, count * 28 * 28).Select(_ => (float)random.NextDouble()).ToArray();
        }
        var all = tensor(pixels, [count, 1, 28, 28]);
        all.DetachFromDisposeScope();
        // Whole batches only, so every method sees the same work.
        return Enumerable.Range(0, count / Batch).Select(b => all[(b * Batch)..((b + 1) * Batch)]).ToList();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
