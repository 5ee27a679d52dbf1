using System.Diagnostics;
using System.Globalization;
using LayerScope.Runs;
using LayerScope.Storage.Npy;
using LayerScope.Server;

namespace LayerScope.Benchmarks;

/// <summary>
/// Time to first frame of the viewer on a large run (<c>-- viewer [points] [repeat] [--embed [--labels]]</c>, default 1,000,000
/// and 3): writes a run (2-D embeddings over two epochs, a 10-class column, a number column, 8-unit activations) with
/// <see cref="RunManifestWriter"/>, serves it with <see cref="ViewerServer"/> on a free loopback port, and runs
/// bench/viewer/first-frame.mjs, which opens the page in headless Chromium and times navigation → first frame.
/// With <c>--embed</c> the run is instead the one <c>layerscope embed X.npy --method pca [--labels y.npy]</c> writes
/// for a random points × 8 matrix in 10 clusters, so the check covers what a user's own run looks like.
/// </summary>
public static class ViewerFirstFrame
{
    public static int Run(string[] args)
    {
        bool embed = args.Contains("--embed");
        var numbers = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        int points = numbers.Length > 0 ? int.Parse(numbers[0], CultureInfo.InvariantCulture) : 1_000_000;
        int repeat = numbers.Length > 1 ? int.Parse(numbers[1], CultureInfo.InvariantCulture) : 3;
        var folder = Path.Combine(Path.GetTempPath(), "layerscope-viewer-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var watch = Stopwatch.StartNew();
            if (embed)
            {
                int exit = WriteEmbedRun(folder, points, args.Contains("--labels"));
                if (exit != 0) return exit;
                Console.WriteLine($"`layerscope embed` wrote a {points:N0}-point run in {watch.Elapsed.TotalSeconds:0.0} s (with writing its input)");
            }
            else
            {
                WriteRun(Path.Combine(folder, "run"), points);
                Console.WriteLine($"wrote a {points:N0}-point run in {watch.Elapsed.TotalSeconds:0.0} s");
            }
            return ServeAndMeasure(folder, repeat).GetAwaiter().GetResult();
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { }
        }
    }

    /// <summary>Writes a random <paramref name="n"/> × 8 matrix (10 Gaussian clusters) and its labels, and runs the
    /// CLI's <c>embed --method pca</c> on them in this process; the viewer run lands in folder/embedding.run.</summary>
    private static int WriteEmbedRun(string folder, int n, bool withLabels)
    {
        const int classes = 10, columns = 8;
        Directory.CreateDirectory(folder);
        var random = new Random(12345);
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var x = new float[(long)n * columns];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % classes;
            labels[i] = c;
            // Each class has its own centre on two of the eight axes, so PCA's plane separates them.
            for (int u = 0; u < columns; u++)
                x[(long)i * columns + u] = (float)(Gauss() + (u == c % columns ? 6 : 0) + (u == (c + 3) % columns ? 3 : 0));
        }
        string input = Path.Combine(folder, "x.npy"), labelFile = Path.Combine(folder, "labels.npy");
        NpyWriter.Write(input, NpyArray.Create(x, n, columns));
        NpyWriter.Write(labelFile, NpyArray.Create(labels, n));
        string[] arguments = ["embed", input, "--method", "pca", "--out", Path.Combine(folder, "embedding.npy")];
        // With labels the run gets its class column (the colors), but embed then also scores 10-NN label accuracy
        // over every point, about 5 minutes at a million here: opt in with --labels.
        return LayerScope.Cli.LayerScopeCommandLine.Run(withLabels ? [.. arguments, "--labels", labelFile] : arguments);
    }

    private static async Task<int> ServeAndMeasure(string folder, int repeat)
    {
        await using var server = await ViewerServer.StartAsync(new ViewerServerOptions { Directory = folder, Port = 0 });
        var repository = FindRepository();
        var start = new ProcessStartInfo("node") { WorkingDirectory = repository, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine("bench", "viewer", "first-frame.mjs"));
        start.ArgumentList.Add("--url");
        start.ArgumentList.Add(server.Url.ToString());
        start.ArgumentList.Add("--repeat");
        start.ArgumentList.Add(repeat.ToString(CultureInfo.InvariantCulture));
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        await node.WaitForExitAsync();
        return node.ExitCode;
    }

    /// <summary>Writes the benchmark run: <paramref name="n"/> points in 10 classes, 8-unit activations, two 2-D
    /// epochs, a category and a number column (also the run of <see cref="ViewerLoad"/>).</summary>
    internal static void WriteRun(string folder, int n)
    {
        const int classes = 10, units = 8;
        var random = new Random(12345);
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var labels = new int[n];
        var scores = new float[n];
        var hidden = new float[(long)n * units];
        var epochs = new[] { new float[n * 2L], new float[n * 2L] };
        for (int i = 0; i < n; i++)
        {
            int c = i % classes;
            labels[i] = c;
            scores[i] = (float)random.NextDouble();
            for (int u = 0; u < units; u++) hidden[(long)i * units + u] = (float)(Gauss() + (u == c % units ? 4 : 0));
            double angle = 2 * Math.PI * c / classes;
            for (int e = 0; e < 2; e++)
            {
                double r = 2 + 6 * e;
                epochs[e][2L * i] = (float)(r * Math.Cos(angle) + Gauss());
                epochs[e][2L * i + 1] = (float)(r * Math.Sin(angle) + Gauss());
            }
        }
        var writer = new RunManifestWriter(folder, $"Benchmark: {n:N0} points", "LayerScope.Benchmarks viewer", n);
        writer.AddCategoryColumn("class", "labels.npy", labels, Enumerable.Range(0, classes).Select(c => $"class {c}").ToArray());
        writer.AddArray("scores", "scores.npy", scores, n);
        writer.AddNumberColumn("score", "scores");
        writer.AddArray("hidden", "hidden.npy", hidden, n, units);
        writer.SetValuesInputs("hidden", Enumerable.Range(0, units).Select(u => $"u{u}").ToArray());
        writer.AddLayer("bench/hidden", units);
        writer.AddActivations("bench/hidden", "hidden");
        for (int e = 0; e < 2; e++)
        {
            writer.AddArray($"embedding-e{e + 1}", $"embedding-e{e + 1}.npy", epochs[e], n, 2);
            writer.AddEmbedding("bench/hidden", RunEmbedding.PcaMethod, $"embedding-e{e + 1}", e + 1);
        }
        writer.Write();
    }

    private static string FindRepository()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "LayerScope.slnx"))) return folder.FullName;
        throw new InvalidOperationException($"No LayerScope.slnx above {AppContext.BaseDirectory}.");
    }
}
