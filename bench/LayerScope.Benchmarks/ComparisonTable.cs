using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LayerScope.Reduction;
using LayerScope.Reduction.Quality;
using LayerScope.Reduction.Tsne;
using LayerScope.Reduction.Umap;
using LayerScope.Storage.Npy;

namespace LayerScope.Benchmarks;

/// <summary>
/// The comparison the issue asks for: t-SNE and UMAP on 10 Gaussian clusters of N × 50 points, wall time, KL,
/// trustworthiness, 10-NN recall and 10-NN label accuracy, beside scikit-learn's t-SNE run on the same data
/// (bench/sklearn_tsne.py), every embedding judged by the same metric code.
/// <code>dotnet run -c Release --project bench/LayerScope.Benchmarks -- table [--sizes 5000,25000,70000]
///     [--sklearn-max 25000] [--threads 2] [--methods tsne,umap] [--json]</code>
/// With <c>--json</c> (sizes up to 1,000,000): one JSON line per (method, N) instead of the table, with wall and CPU
/// seconds of the fit, the process's peak resident memory so far (run one method and size per process for a peak of
/// its own), KL under the exact P for N ≤ 70,000, trustworthiness and 10-NN recall on a 5,000-point sample, and
/// 10-NN label accuracy.
/// </summary>
public static class ComparisonTable
{
    public static int Run(string[] args)
    {
        var sizes = Option(args, "--sizes", "5000,25000,70000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int sklearnMax = int.Parse(Option(args, "--sklearn-max", "25000"), CultureInfo.InvariantCulture);
        int threads = int.Parse(Option(args, "--threads", "2"), CultureInfo.InvariantCulture);
        var methods = Option(args, "--methods", "tsne,umap").Split(',');
        int fftThreshold = int.Parse(Option(args, "--fft-threshold", new TsneOptions().FftThreshold.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        IProgress<LayerScope.Progress.StepProgress>? progress = args.Contains("--verbose")
            ? new LineProgress(r => Console.Error.WriteLine($"  [{clock.Elapsed.TotalSeconds,7:0.00} s] {r.Step} {r.Done}/{r.Total} {r.Detail}"))
            : null;
        string script = Path.Combine(FindBenchFolder(), "sklearn_tsne.py");
        var folder = Directory.CreateTempSubdirectory("layerscope-bench-").FullName;
        var rows = new List<string>();
        bool json = args.Contains("--json");
        if (json) return RunJson(sizes, methods, threads, fftThreshold, progress);
        Console.WriteLine($"{"method",-22} {"N",7} {"seconds",8} {"KL",7} {"trust",7} {"recall",7} {"label acc",9}");
        foreach (int n in sizes)
        {
            var (x, labels) = ClusterData.Create(n);
            var quality = new QualityOptions { Threads = threads, KlDivergence = true };

            if (methods.Contains("tsne"))
            {
                var watch = Stopwatch.StartNew();
                var embedding = TsneReducer.Fit(x, new TsneOptions { Threads = threads, FftThreshold = fftThreshold }, progress);
                double seconds = watch.Elapsed.TotalSeconds;
                var report = EmbeddingQuality.Evaluate(x, embedding.Positions, labels, quality);
                Print($"LayerScope t-SNE ({new TsneOptions { FftThreshold = fftThreshold }.RepulsionFor(n)})", n, seconds, report);
            }
            if (methods.Contains("umap"))
            {
                var watch = Stopwatch.StartNew();
                var embedding = UmapReducer.Fit(x, new UmapOptions { Threads = threads }, progress);
                double seconds = watch.Elapsed.TotalSeconds;
                var report = EmbeddingQuality.Evaluate(x, embedding.Positions, labels, quality);
                Print("LayerScope UMAP", n, seconds, report);
            }
            if (n <= sklearnMax && File.Exists(script))
            {
                string input = Path.Combine(folder, $"x{n}.npy"), output = Path.Combine(folder, $"e{n}.npy");
                NpyWriter.Write(input, NpyArray.Create(x.Values, n, x.Columns));
                var result = RunPython(script, input, output, threads);
                if (result is null) { Console.WriteLine($"scikit-learn t-SNE      {n,7}  (python3 with scikit-learn not available)"); continue; }
                var embedding = new DenseMatrix(NpyReader.Read(output).ToFloat32(), n, 2);
                var report = EmbeddingQuality.Evaluate(x, embedding, labels, quality);
                Print($"scikit-learn t-SNE (KL {result.Value.Kl:0.000})", n, result.Value.Seconds, report);
            }
        }
        return 0;
    }

    private static int RunJson(int[] sizes, string[] methods, int threads, int fftThreshold, IProgress<LayerScope.Progress.StepProgress>? progress)
    {
        foreach (int n in sizes)
        {
            var (x, labels) = ClusterData.Create(n);
            var quality = new QualityOptions { Threads = threads, KlDivergence = n <= 70_000, SampleSize = 5_000 };
            foreach (var method in methods)
            {
                var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                var positions = method == "umap"
                    ? UmapReducer.Fit(x, new UmapOptions { Threads = threads }, progress).Positions
                    : TsneReducer.Fit(x, new TsneOptions { Threads = threads, FftThreshold = fftThreshold }, progress).Positions;
                double wall = watch.Elapsed.TotalSeconds;
                process.Refresh();
                double cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
                long peak = process.PeakWorkingSet64;
                var report = EmbeddingQuality.Evaluate(x, positions, labels, quality);
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    method = "layerscope-" + method,
                    n,
                    threads,
                    wall_s = Math.Round(wall, 3),
                    cpu_s = Math.Round(cpuSeconds, 3),
                    cores_used = Math.Round(cpuSeconds / wall, 2),
                    peak_rss_mb = peak / (1 << 20),
                    kl = report.KlDivergence,
                    trustworthiness = report.Trustworthiness,
                    recall10 = report.NeighborRecall,
                    label_accuracy = report.LabelAccuracy,
                    sample = report.SampleSize,
                }));
            }
        }
        return 0;
    }

    private static void Print(string method, int n, double seconds, QualityReport report) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{method,-22} {n,7} {seconds,8:0.00} {report.KlDivergence,7:0.000} {report.Trustworthiness,7:0.0000} {report.NeighborRecall,7:0.000} {report.LabelAccuracy,9:0.0000}{(report.Subsampled ? $"  (metrics on {report.SampleSize} sampled points)" : "")}"));

    private static (double Seconds, double Kl)? RunPython(string script, string input, string output, int threads)
    {
        try
        {
            var start = new ProcessStartInfo(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3", [script, input, output, threads.ToString(CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) { Console.Error.WriteLine(stderr); return null; }
            using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
            return (json.RootElement.GetProperty("seconds").GetDouble(), json.RootElement.GetProperty("kl").GetDouble());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private sealed class LineProgress(Action<LayerScope.Progress.StepProgress> write) : IProgress<LayerScope.Progress.StepProgress>
    {
        public void Report(LayerScope.Progress.StepProgress value) => write(value);
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static string FindBenchFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "bench", "sklearn_tsne.py"))) return Path.Combine(dir.FullName, "bench");
        return Path.Combine(Directory.GetCurrentDirectory(), "bench");
    }
}
