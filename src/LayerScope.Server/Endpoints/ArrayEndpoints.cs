using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using LayerScope.Reduction;
using LayerScope.Reduction.Neighbors;
using LayerScope.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace LayerScope.Server.Endpoints;

/// <summary><c>GET /api/runs/{id}/arrays/{name}</c> (float32 bytes), <c>GET …/neighbors</c> and <c>POST …/mean</c>.</summary>
internal static class ArrayEndpoints
{
    public const string ShapeHeader = "X-LayerScope-Shape";

    public static void Map(IEndpointRouteBuilder app, RunCatalog catalog, NeighborQueries queries)
    {
        app.MapGet("/api/runs/{id}/arrays/{name}", async (HttpContext context, string id, string name) =>
        {
            var array = RunLookup.Run(catalog, id).Array(name);
            var response = context.Response;
            response.ContentType = "application/octet-stream";
            response.Headers[ShapeHeader] = string.Join(',', array.Shape);
            // Set so that a page can show download progress.
            response.ContentLength = array.Values.LongLength * sizeof(float);
            await WriteFloat32LittleEndian(response.Body, array.Values, context.RequestAborted);
        });

        app.MapGet("/api/runs/{id}/neighbors", async (HttpContext context, string id) =>
        {
            var run = RunLookup.Run(catalog, id);
            var query = context.Request.Query;
            var name = RunLookup.Required(query["activations"], "activations");
            var point = RunLookup.Point(run, RunLookup.Required(query["point"], "point"));
            var k = RunLookup.Count(query["k"], "k", 10);
            if (k is < 1 or > 1000) throw ApiException.BadRequest($"'k' must be between 1 and 1000; got {k}.");
            var index = run.NeighborIndex(name);
            var others = index.Index.Data.Rows - 1;
            var neighbors = new List<Neighbor>();
            if (others > 0)
            {
                // One more than asked: the point itself (distance 0) is among the nearest and is left out.
                var graph = await queries.RunAsync(index, point, Math.Min(k, others) + 1, context.RequestAborted);
                if (graph is null)
                {
                    context.Response.Headers.RetryAfter = "2";
                    return Results.Json(new { error = "the server is busy with other neighbour queries; try again shortly." }, statusCode: StatusCodes.Status503ServiceUnavailable);
                }
                var found = graph.NeighborsOf(0);
                var distances = graph.DistancesOf(0);
                for (int i = 0; i < found.Length && neighbors.Count < Math.Min(k, others); i++)
                    if (found[i] != point) neighbors.Add(new Neighbor(found[i], distances[i]));
            }
            return Results.Json(new NeighborsAnswer(point, name, neighbors));
        });

        app.MapPost("/api/runs/{id}/mean", async (HttpContext context, string id) =>
        {
            var run = RunLookup.Run(catalog, id);
            MeanRequest? request;
            try
            {
                request = await JsonSerializer.DeserializeAsync<MeanRequest>(context.Request.Body, RunJson.Options, context.RequestAborted);
            }
            catch (JsonException e)
            {
                throw ApiException.BadRequest($"the body must be {{ \"activations\": name, \"points\": [i, ...] }}: {e.Message}");
            }
            if (request?.Activations is not { } name || request.Points is not { Count: > 0 } points)
                throw ApiException.BadRequest("the body must be { \"activations\": name, \"points\": [i, ...] } with at least one point.");
            var array = run.Activations(name);
            var bad = points.FirstOrDefault(p => p < 0 || p >= run.Manifest.Points, -1);
            if (points.Any(p => p < 0 || p >= run.Manifest.Points))
                throw ApiException.BadRequest($"run '{id}' has {run.Manifest.Points} points; {bad} is not one of them.");
            var width = array.RowLength;
            var sums = new double[width];
            foreach (var p in points)
            {
                var row = array.Values.AsSpan().Slice((int)(p * width), (int)width);
                for (int j = 0; j < row.Length; j++) sums[j] += row[j];
            }
            var mean = sums.Select(s => (float)(s / points.Count)).ToArray();
            return Results.Json(new MeanAnswer(array.Shape[1..], mean));
        });
    }

    private static async Task WriteFloat32LittleEndian(Stream body, float[] values, CancellationToken cancellationToken)
    {
        const int chunk = 16_384;
        var buffer = new byte[chunk * sizeof(float)];
        for (int start = 0; start < values.Length; start += chunk)
        {
            int count = Math.Min(chunk, values.Length - start);
            var source = values.AsSpan(start, count);
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.AsBytes(source).CopyTo(buffer);
            }
            else
            {
                for (int i = 0; i < count; i++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * sizeof(float)), source[i]);
            }
            await body.WriteAsync(buffer.AsMemory(0, count * sizeof(float)), cancellationToken);
        }
    }

    private sealed record Neighbor(int Index, float Distance);

    private sealed record NeighborsAnswer(int Point, string Activations, IReadOnlyList<Neighbor> Neighbors);

    private sealed record MeanRequest(string? Activations, IReadOnlyList<int>? Points);

    private sealed record MeanAnswer(long[] Shape, float[] Mean);
}
