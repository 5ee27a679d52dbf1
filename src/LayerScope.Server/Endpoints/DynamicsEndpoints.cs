using System.Globalization;
using LayerScope.Dynamics;
using LayerScope.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace LayerScope.Server.Endpoints;

/// <summary><c>GET /api/runs/{id}/dynamics/{index}</c>: the training dynamics of the run's network <c>index</c>
/// (its position in run.json's <c>dynamics</c>) as the viewer's dynamics panel draws them: the checkpoints, per layer
/// its gradient norms, update ratios and histogram series with their distribution bands computed here (so they are
/// the report's quantiles), and the layer health table of <see cref="DynamicsDiagnosis"/> (the report's flags).</summary>
internal static class DynamicsEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RunCatalog catalog)
    {
        app.MapGet("/api/runs/{id}/dynamics/{index}", (string id, string index) =>
        {
            var run = RunLookup.Run(catalog, id);
            var entries = run.Manifest.Dynamics;
            if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
                throw ApiException.BadRequest($"the dynamics index must be a number (0 to {entries.Count - 1}); got '{index}'.");
            if (i >= entries.Count) throw ApiException.NotFound($"run '{id}' has {entries.Count} dynamics; there is no dynamics {i}.");
            var path = RunPaths.Resolve(run.Folder, entries[i].File, Path.Combine(run.Folder, RunManifest.FileName), $"dynamics[{i}].file");
            return Results.Json(Answer(TrainingDynamicsFile.Read(path)));
        });
    }

    private static DynamicsAnswer Answer(TrainingDynamics dynamics)
    {
        var levels = HistogramSeries.DistributionLevels;
        return new DynamicsAnswer(dynamics.Network, dynamics.LossName, dynamics.Checkpoints, dynamics.GradientNorms, levels,
            [.. dynamics.Layers.Select(l => new LayerAnswer(l.Name, l.ModuleType, l.GradientNorms, l.UpdateRatios,
                [.. l.Histograms.Select(s => new SeriesAnswer(s.Kind, s.Epochs, s.BinWidth,
                    [.. s.Histograms.Select(h => new HistogramAnswer(h.FirstBin, h.Counts, h.Count))], s.Quantiles(levels)))]))],
            DynamicsDiagnosis.Diagnose(dynamics));
    }

    private sealed record DynamicsAnswer(string Network, string LossName, IReadOnlyList<DynamicsCheckpoint> Checkpoints, IReadOnlyList<double> GradientNorms,
        IReadOnlyList<double> Levels, IReadOnlyList<LayerAnswer> Layers, IReadOnlyList<LayerHealth> Health);

    private sealed record LayerAnswer(string Name, string ModuleType, IReadOnlyList<double> GradientNorms, IReadOnlyList<double> UpdateRatios,
        IReadOnlyList<SeriesAnswer> Series);

    /// <summary>One histogram series; <c>Bands</c> holds, per level, the value at that quantile for every epoch.</summary>
    private sealed record SeriesAnswer(HistogramKind Kind, IReadOnlyList<int> Epochs, double BinWidth, IReadOnlyList<HistogramAnswer> Histograms,
        IReadOnlyList<double[]> Bands);

    /// <summary>A histogram's bins: bin k covers [(FirstBin + k)·BinWidth, (FirstBin + k + 1)·BinWidth).</summary>
    private sealed record HistogramAnswer(long FirstBin, IReadOnlyList<long> Counts, long Count);
}
