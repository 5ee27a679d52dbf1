using System.Globalization;
using LayerScope.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace LayerScope.Server.Endpoints;

/// <summary><c>GET /api/runs/{id}/units/{index}</c>: the channels of units entry <c>index</c> (its top-k points with
/// their patches, which points have feature maps, the synthesized images); <c>GET /api/runs/{id}/units/{index}/maps/{point}</c>:
/// every channel's feature map for one point, or null maps when the run did not store that point's.</summary>
internal static class UnitsEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RunCatalog catalog)
    {
        app.MapGet("/api/runs/{id}/units/{index}", (string id, string index) =>
        {
            var run = RunLookup.Run(catalog, id);
            var (entry, i) = Entry(run, id, index);
            var top = run.UnitFile(entry.Top, $"units[{i}].top");
            int k = (int)top.Shape[1];
            var channels = Enumerable.Range(0, entry.Channels).Select(c => Enumerable.Range(0, k)
                .Select(r => top.Values.AsSpan((c * k + r) * RunUnits.TopFields, RunUnits.TopFields).ToArray())
                .Where(t => t[0] >= 0)
                .Select(t => new TopAnswer((int)t[0], t[1], (int)t[2], (int)t[3], (int)t[4], (int)t[5])).ToArray()).ToArray();
            var maps = entry.Maps is null ? null : run.UnitFile(entry.Maps, $"units[{i}].maps");
            var mapPoints = entry.MapPoints is null ? [] : run.UnitFile(entry.MapPoints, $"units[{i}].mapPoints").Values.Select(v => (int)v).ToArray();
            SynthesisAnswer? synthesis = null;
            if (entry.Synthesis is not null)
            {
                var images = run.UnitFile(entry.Synthesis, $"units[{i}].synthesis");
                int h = (int)images.Shape[1], w = (int)images.Shape[2];
                var scores = entry.SynthesisScores is null ? null : run.UnitFile(entry.SynthesisScores, $"units[{i}].synthesisScores").Values;
                float[]? Field(int f) => scores is null ? null : [.. Enumerable.Range(0, entry.Channels).Select(c => scores[c * RunUnits.ScoreFields + f])];
                synthesis = new SynthesisAnswer(h, w, [.. Enumerable.Range(0, entry.Channels).Select(c => images.Values.AsSpan(c * h * w, h * w).ToArray())],
                    entry.SynthesisObjective, Field(0), Field(1), Field(2));
            }
            return Results.Json(new UnitsAnswer(entry.Layer, entry.Channels, k, maps is null ? 0 : (int)maps.Shape[2], maps is null ? 0 : (int)maps.Shape[3],
                mapPoints, channels, synthesis));
        });

        app.MapGet("/api/runs/{id}/units/{index}/maps/{point}", (string id, string index, string point) =>
        {
            var run = RunLookup.Run(catalog, id);
            var (entry, i) = Entry(run, id, index);
            var p = RunLookup.Point(run, point, "point");
            if (entry.Maps is null || entry.MapPoints is null) return Results.Json(new MapsAnswer(p, 0, 0, null));
            var maps = run.UnitFile(entry.Maps, $"units[{i}].maps");
            int rows = (int)maps.Shape[2], columns = (int)maps.Shape[3], per = rows * columns;
            // The reader checked that the map points ascend, so a binary search finds the row.
            int row = Array.BinarySearch(run.UnitFile(entry.MapPoints, $"units[{i}].mapPoints").Values, (float)p);
            if (row < 0) return Results.Json(new MapsAnswer(p, rows, columns, null));
            int first = row * entry.Channels * per;
            return Results.Json(new MapsAnswer(p, rows, columns, [.. Enumerable.Range(0, entry.Channels).Select(c => maps.Values.AsSpan(first + c * per, per).ToArray())]));
        });
    }

    private static (RunUnits Entry, int Index) Entry(ServedRun run, string id, string index)
    {
        var entries = run.Manifest.Units;
        if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            throw ApiException.BadRequest($"the units index must be a number (0 to {entries.Count - 1}); got '{index}'.");
        if (i >= entries.Count) throw ApiException.NotFound($"run '{id}' has {entries.Count} units entries; there is no units {i}.");
        return (entries[i], i);
    }

    /// <summary>One of a channel's strongest points: its activation and its receptive-field patch in input pixels.</summary>
    private sealed record TopAnswer(int Point, float Activation, int Top, int Left, int Height, int Width);

    /// <summary>The synthesized images with, when the run has them, what was raised and its value per channel on the
    /// start, on the image, and averaged over the data.</summary>
    private sealed record SynthesisAnswer(int Height, int Width, IReadOnlyList<float[]> Images, string? Objective, float[]? Before, float[]? After, float[]? Mean);

    private sealed record UnitsAnswer(string Layer, int Channels, int K, int MapRows, int MapColumns, IReadOnlyList<int> MapPoints,
        IReadOnlyList<TopAnswer[]> Top, SynthesisAnswer? Synthesis);

    private sealed record MapsAnswer(int Point, int Rows, int Columns, IReadOnlyList<float[]>? Maps);
}
