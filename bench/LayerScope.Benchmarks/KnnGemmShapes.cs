using System.Diagnostics;
using System.Globalization;
using TorchSharp;

namespace LayerScope.Benchmarks;

/// <summary>
/// The kNN cell search's GEMM on one libtorch thread, shape by shape: <c>-- knn-gemm [--d 50] [--seconds 0.5]</c>.
/// One JSON line per (queries, pool, dtype): CPU nanoseconds per score (one query × pool point) and GFLOP/s, for the
/// untiled shapes of the search before session 8 (29 × 140,000 at 1,000,000 points, 90 × 46,000 at 250,000) against
/// tiles that keep the scores in L2, in float32 and bfloat16 (whether oneDNN's AVX512_BF16 path pays here).
/// </summary>
public static class KnnGemmShapes
{
    public static int Run(string[] args)
    {
        int d = int.Parse(Option(args, "--d", "50"), CultureInfo.InvariantCulture);
        double seconds = double.Parse(Option(args, "--seconds", "0.5"), CultureInfo.InvariantCulture);
        torch.set_num_threads(1);
        (int Queries, int Pool)[] shapes = [(29, 140_000), (90, 46_000), (256, 1024), (256, 2048), (256, 4096), (128, 2048), (512, 2048)];
        foreach (var dtype in new[] { torch.ScalarType.Float32, torch.ScalarType.BFloat16 })
            foreach (var (m, p) in shapes)
            {
                using var scope = torch.NewDisposeScope();
                var generator = new torch.Generator(42);
                var q = torch.randn(m, d, generator: generator).to(dtype);
                var pool = torch.randn(p, d, generator: generator).to(dtype);
                var scores = torch.empty(m, p, dtype: dtype);
                scores.addmm_(q, pool.t(), beta: 0, alpha: -2);
                long calls = 0;
                double cpu = CpuClock.Thread(), start = cpu;
                var wall = Stopwatch.StartNew();
                while (CpuClock.Thread() - start < seconds)
                {
                    for (int r = 0; r < 4; r++) scores.addmm_(q, pool.t(), beta: 0, alpha: -2);
                    calls += 4;
                }
                double used = CpuClock.Thread() - start;
                double perScore = used / (calls * (double)m * p) * 1e9;
                Console.WriteLine(FormattableString.Invariant(
                    $"{{\"dtype\":\"{dtype}\",\"queries\":{m},\"pool\":{p},\"d\":{d},\"calls\":{calls},\"cpu_ns_per_score\":{perScore:0.000},\"gflops\":{2.0 * d / perScore:0.0},\"wall_s\":{wall.Elapsed.TotalSeconds:0.00}}}"));
            }
        return 0;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }
}
