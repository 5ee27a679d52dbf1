using System.Diagnostics;
using System.Globalization;
using LayerScope.Attribution.Lrp;
using LayerScope.Models.Zoo;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Benchmarks;

/// <summary>Where LRP's time goes (<c>-- lrp-steps [batches]</c>): each layer's forward and relevance step of
/// <see cref="FashionCnn"/> on batches of 256 random images, summed over the batches.</summary>
public static class LrpStepProfile
{
    public static int Run(string[] args)
    {
        int batches = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        torch.set_num_threads(int.TryParse(Environment.GetEnvironmentVariable("LAYERSCOPE_BENCH_THREADS"), out var t) ? t : 2);
        manual_seed(1);
        using var model = new FashionCnn();
        var chain = LayerChain.From(model);
        var rule = LrpRule.EpsilonRule(0.25);
        var forward = new double[chain.Steps.Count];
        var backward = new double[chain.Steps.Count];
        for (int b = 0; b <= batches; b++)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = rand(256, 1, 28, 28);
            var values = new List<Tensor> { x };
            for (int i = 0; i < chain.Steps.Count; i++)
            {
                var watch = Stopwatch.StartNew();
                values.Add(chain.Steps[i].Forward(values[^1]));
                if (b > 0) forward[i] += watch.Elapsed.TotalMilliseconds;
            }
            var r = values[^1].clone();
            for (int i = chain.Steps.Count - 1; i >= 0; i--)
            {
                var watch = Stopwatch.StartNew();
                r = chain.Steps[i].Relevance(values[i], values[i + 1], r, rule, 0.25);
                if (b > 0) backward[i] += watch.Elapsed.TotalMilliseconds;
            }
        }
        for (int i = 0; i < chain.Steps.Count; i++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{chain.Steps[i].Name,-10} forward {forward[i] / batches,8:0.0} ms  relevance {backward[i] / batches,8:0.0} ms"));
        return 0;
    }
}
