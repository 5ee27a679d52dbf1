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
/// Issue 15's scale path: fit t-SNE or UMAP on a sample and place the other points into it
/// (<see cref="EmbeddingPlacement"/>, what <c>layerscope embed X.npy --reference RUN</c> does), against one fit of all
/// points. One JSON line per method: the fit and the placement's wall and CPU seconds, peak resident memory, and the
/// 10-NN label accuracy (5,000 sampled points, each against every point of its layout) of the combined layout, of the
/// placed points alone (their neighbours searched among all points) and of the full fit.
/// <code>dotnet run -c Release --project bench/LayerScope.Benchmarks -- placement X.npy Y.npy [--sample 10000]
///     [--methods tsne,umap] [--threads 2] [--no-full]</code>
/// </summary>
public static class PlacementQuality
{
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: placement X.npy Y.npy [--sample 10000] [--methods tsne,umap] [--threads 2] [--no-full]");
            return 2;
        }
        var npy = NpyReader.Read(args[0]);
        var shape = npy.Shape;
        var x = new DenseMatrix(npy.ToFloat32(), (int)shape[0], (int)shape[1]);
        var labels = NpyReader.Read(args[1]).ToInt64().Select(v => (int)v).ToArray();
        int sampleSize = int.Parse(Option(args, "--sample", "10000"), CultureInfo.InvariantCulture);
        int threads = int.Parse(Option(args, "--threads", "2"), CultureInfo.InvariantCulture);
        var methods = Option(args, "--methods", "tsne,umap").Split(',');
        bool full = !args.Contains("--no-full");
        if (sampleSize >= x.Rows) throw new ArgumentException($"--sample {sampleSize} must be below the {x.Rows} points of {args[0]}.");

        // A fixed-seed sample to fit; the rest, in their original order, to place.
        var order = Enumerable.Range(0, x.Rows).ToArray();
        new Random(0).Shuffle(order);
        var fittedRows = order[..sampleSize].Order().ToArray();
        var placedRows = order[sampleSize..].Order().ToArray();
        var fittedPoints = x.SelectRows(fittedRows);
        var newPoints = x.SelectRows(placedRows);

        foreach (var method in methods)
        {
            var tsne = new TsneOptions { Threads = threads };
            var umap = new UmapOptions { Threads = threads };
            var (fit, fitWall, fitCpu) = Timed(() => method == "umap"
                ? UmapReducer.Fit(fittedPoints, umap).Positions
                : TsneReducer.Fit(fittedPoints, tsne).Positions);
            var (placed, placeWall, placeCpu) = Timed(() => method == "umap"
                ? EmbeddingPlacement.PlaceUmap(fittedPoints, fit, newPoints, umap)
                : EmbeddingPlacement.PlaceTsne(fittedPoints, fit, newPoints, tsne));
            long peak = Process.GetCurrentProcess().PeakWorkingSet64;

            // The combined layout in the data's own row order, and the labels that go with it.
            int d = fit.Columns;
            var combined = new float[x.Rows * d];
            for (int i = 0; i < fittedRows.Length; i++) Array.Copy(fit.Values, i * d, combined, fittedRows[i] * d, d);
            for (int i = 0; i < placedRows.Length; i++) Array.Copy(placed.Values, i * d, combined, placedRows[i] * d, d);
            var layout = new DenseMatrix(combined, x.Rows, d);
            double combinedAccuracy = EmbeddingQuality.KnnLabelAccuracy(layout, labels, threads: threads, sampleSize: 5_000);
            double placedAccuracy = PlacedAccuracy(layout, labels, placedRows, 5_000, threads);

            double? fullAccuracy = null, fullWall = null, fullCpu = null;
            if (full)
            {
                var (positions, wall, cpu) = Timed(() => method == "umap" ? UmapReducer.Fit(x, umap).Positions : TsneReducer.Fit(x, tsne).Positions);
                fullAccuracy = EmbeddingQuality.KnnLabelAccuracy(positions, labels, threads: threads, sampleSize: 5_000);
                (fullWall, fullCpu) = (wall, cpu);
            }
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                method = "layerscope-" + method,
                n = x.Rows,
                fitted = sampleSize,
                placed = placedRows.Length,
                threads,
                fit_wall_s = Math.Round(fitWall, 2),
                fit_cpu_s = Math.Round(fitCpu, 2),
                place_wall_s = Math.Round(placeWall, 2),
                place_cpu_s = Math.Round(placeCpu, 2),
                peak_rss_mb = peak / (1 << 20),
                label_accuracy_combined = Math.Round(combinedAccuracy, 4),
                label_accuracy_placed = Math.Round(placedAccuracy, 4),
                label_accuracy_full_fit = fullAccuracy is null ? (double?)null : Math.Round(fullAccuracy.Value, 4),
                full_fit_wall_s = fullWall is null ? (double?)null : Math.Round(fullWall.Value, 2),
                full_fit_cpu_s = fullCpu is null ? (double?)null : Math.Round(fullCpu.Value, 2),
            }));
        }
        return 0;
    }

    /// <summary>10-NN label accuracy of up to <paramref name="sample"/> placed points (fixed seed), each against
    /// every point of the layout.</summary>
    private static double PlacedAccuracy(DenseMatrix layout, int[] labels, int[] placedRows, int sample, int threads)
    {
        var chosen = placedRows.ToArray();
        new Random(1).Shuffle(chosen);
        chosen = chosen[..Math.Min(sample, chosen.Length)];
        Array.Sort(chosen);
        return EmbeddingQuality.KnnLabelAccuracyOf(layout, labels, chosen, threads: threads);
    }

    private static (T Result, double Wall, double Cpu) Timed<T>(Func<T> run)
    {
        double cpu = CpuClock.Process();
        var watch = Stopwatch.StartNew();
        var result = run();
        return (result, watch.Elapsed.TotalSeconds, CpuClock.Process() - cpu);
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
