using System.Diagnostics;
using System.Globalization;
using LayerScope.Reduction;
using LayerScope.Reduction.Pca;

namespace LayerScope.Benchmarks;

/// <summary>PCA on a large matrix (<c>-- pca 1000000 1024</c>): time and peak memory, to check that the matrix is
/// held once.</summary>
public static class PcaScale
{
    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        int d = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1024;
        var values = new float[(long)n * d];
        Parallel.For(0, n, i =>
        {
            var random = new Random(i);
            float scale = 1;
            for (int j = 0; j < d; j++) { values[(long)i * d + j] = (float)(random.NextDouble() * 2 - 1) * scale; scale *= 0.995f; }
        });
        var x = new DenseMatrix(values, n, d);
        Console.WriteLine($"matrix {n} × {d}: {values.LongLength * 4 / 1e9:0.00} GB; working set {Environment.WorkingSet / 1e9:0.00} GB");
        var watch = Stopwatch.StartNew();
        var pca = PcaReducer.Fit(x, new PcaOptions { Components = 50, Threads = 2 });
        Console.WriteLine($"{pca.Method} PCA to 50 components: {watch.Elapsed.TotalSeconds:0.0} s; explained variance ratio of the first: {pca.ExplainedVarianceRatio[0]:0.0000}");
        watch.Restart();
        var scores = pca.Transform(x, 2);
        Console.WriteLine($"transform: {watch.Elapsed.TotalSeconds:0.0} s, {scores.Rows} × {scores.Columns}");
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"peak working set {process.PeakWorkingSet64 / 1e9:0.00} GB");
        return 0;
    }
}
