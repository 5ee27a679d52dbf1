using System.Diagnostics;
using System.Globalization;
using LayerScope.Attribution.Lrp;
using LayerScope.Models.Zoo;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Benchmarks;

/// <summary>Where LRP's time goes (<c>-- lrp-steps [batches] [epsilon|composite]</c>): each layer's forward and
/// relevance step of <see cref="FashionCnn"/> on batches of 256 random images, wall and CPU milliseconds per batch
/// (CPU: this process's threads, read from the OS at its tick, so only the sum over many batches means much).</summary>
public static class LrpStepProfile
{
    public static int Run(string[] args)
    {
        int batches = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var composite = args.Length > 1 && args[1] == "composite" ? LrpComposite.Montavon2019(0, 1) : LrpComposite.Uniform(LrpRule.EpsilonRule(0.25));
        torch.set_num_threads(int.TryParse(Environment.GetEnvironmentVariable("LAYERSCOPE_BENCH_THREADS"), out var t) ? t : 2);
        manual_seed(1);
        using var model = new FashionCnn();
        var chain = LayerChain.From(model);
        int n = chain.Steps.Count, weighted = chain.Steps.Count(s => s.HasWeights);
        var forward = new (double Wall, double Cpu)[n];
        var backward = new (double Wall, double Cpu)[n];
        var process = Process.GetCurrentProcess();
        (double, double) Since(Stopwatch watch, TimeSpan cpu)
        {
            process.Refresh();
            return (watch.Elapsed.TotalMilliseconds, (process.TotalProcessorTime - cpu).TotalMilliseconds);
        }
        static (double, double) Add((double Wall, double Cpu) a, (double Wall, double Cpu) b) => (a.Wall + b.Wall, a.Cpu + b.Cpu);
        for (int b = 0; b <= batches; b++)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = rand(256, 1, 28, 28);
            var values = new List<Tensor> { x };
            var winners = new Tensor?[n];
            for (int i = 0; i < n; i++)
            {
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                if (chain.Steps[i] is PoolingStep pool)
                {
                    var (output, at) = pool.ForwardWithWinners(values[^1]);
                    values.Add(output);
                    winners[i] = at;
                }
                else values.Add(chain.Steps[i].Forward(values[^1]));
                if (b > 0) forward[i] = Add(forward[i], Since(watch, cpu));
            }
            var r = values[^1].clone();
            int index = weighted;
            for (int i = n - 1; i >= 0; i--)
            {
                var step = chain.Steps[i];
                var rule = step.HasWeights ? composite.RuleFor(new LrpLayerPosition(--index, weighted, step.Convolution)) : LrpRule.Zero;
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                // As LayerwiseRelevance runs them: convolution → ReLU → max pooling fused (timed on the convolution's row).
                if (step is PoolingStep pool && winners[i] is { } at && chain.Steps[i - 2] is AffineStep affine)
                {
                    var convRule = composite.RuleFor(new LrpLayerPosition(--index, weighted, true));
                    r = affine.RelevanceThroughReluAndMaxPool(values[i - 2], values[i - 1], values[i + 1], at, r, convRule)!;
                    i -= 2;
                }
                else r = step.Relevance(values[i], values[i + 1], r, rule, composite.RecurrentEpsilon);
                if (b > 0) backward[i] = Add(backward[i], Since(watch, cpu));
            }
        }
        Console.WriteLine($"load average {AttributionCost.LoadAverage()}; ms per batch of 256 (wall / CPU)");
        for (int i = 0; i < n; i++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{chain.Steps[i].Name,-10} forward {forward[i].Wall / batches,7:0.0} / {forward[i].Cpu / batches,7:0.0}   relevance {backward[i].Wall / batches,7:0.0} / {backward[i].Cpu / batches,7:0.0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"total",-10} forward {forward.Sum(f => f.Wall) / batches,7:0.0} / {forward.Sum(f => f.Cpu) / batches,7:0.0}   relevance {backward.Sum(f => f.Wall) / batches,7:0.0} / {backward.Sum(f => f.Cpu) / batches,7:0.0}"));
        return 0;
    }
}
