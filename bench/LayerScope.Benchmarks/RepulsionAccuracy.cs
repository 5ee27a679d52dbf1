using System.Diagnostics;
using System.Globalization;
using LayerScope.Reduction.Tsne;
using LayerScope.Storage.Npy;

namespace LayerScope.Benchmarks;

/// <summary>The FFT repulsion's force and Z error against the exact O(N²) sum on a saved 2-D layout (an N × 2 .npy
/// such as `layerscope embed` writes), and its time per call: <c>-- repulsion-error LAYOUT.npy [NODES:SPACING ...]</c>
/// (default 4:0.4). The exact sum is taken once; each setting is timed by 15 calls after one warm-up: the fastest call's wall time and the mean CPU time.</summary>
public static class RepulsionAccuracy
{
    private const int Calls = 15;

    public static int Run(string[] args)
    {
        // As in a fit: libtorch's threads set (and told to sleep, not spin, between calls) before the first call.
        LayerScope.Reduction.ReductionThreads.ApplyToTorch(2);
        var layout = NpyReader.ReadFloat32(args[0]);
        int n = checked((int)layout.Count);
        var y = layout.Values.Select(v => (double)v).ToArray();
        var settings = args.Length > 1 ? args[1..] : ["4:0.4"];
        var exact = new double[2 * n];
        var watch = Stopwatch.StartNew();
        double zExact = new ExactRepulsion(2, 2).Compute(y, n, exact);
        Console.WriteLine(FormattableString.Invariant($"N {n}, range {y.Max() - y.Min():0.0}, exact sum {watch.Elapsed.TotalSeconds:0.0} s"));
        foreach (string setting in settings)
        {
            var parts = setting.Split(':');
            int nodes = int.Parse(parts[0], CultureInfo.InvariantCulture);
            double spacing = double.Parse(parts[1], CultureInfo.InvariantCulture);
            var repulsion = new FftRepulsion(2, nodes, spacing);
            var forces = new double[2 * n];
            double z = repulsion.Compute(y, n, forces);   // warm-up: the kernels' spectra
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            double wall = double.PositiveInfinity;
            for (int k = 0; k < Calls; k++)
            {
                watch.Restart();
                z = repulsion.Compute(y, n, forces);
                wall = Math.Min(wall, watch.Elapsed.TotalMilliseconds);
            }
            Array.Clear(FftRepulsion.PhaseMilliseconds);
            repulsion.Compute(y, n, forces);
            string phases = string.Join(", ", FftRepulsion.PhaseMilliseconds.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)));
            process.Refresh();
            double used = (process.TotalProcessorTime - cpu).TotalMilliseconds / Calls;
            double difference = 0, norm = 0, worst = 0;
            for (int i = 0; i < n; i++)
            {
                double dx = forces[2 * i] - exact[2 * i], dy = forces[2 * i + 1] - exact[2 * i + 1];
                double e2 = dx * dx + dy * dy, f2 = exact[2 * i] * exact[2 * i] + exact[2 * i + 1] * exact[2 * i + 1];
                difference += e2;
                norm += f2;
                worst = Math.Max(worst, Math.Sqrt(e2 / Math.Max(f2, 1e-300)));
            }
            Console.WriteLine(FormattableString.Invariant(
                $"{setting,-10} force error {Math.Sqrt(difference / norm):0.00000} (worst point {worst:0.000})  Z/Zexact - 1 {z / zExact - 1:+0.00000;-0.00000}  fastest wall {wall:0.0} ms, mean cpu {used:0.0} ms; one call's phases (weights, spread, kernel, fft, interpolate) {phases} ms"));
        }
        return 0;
    }
}
