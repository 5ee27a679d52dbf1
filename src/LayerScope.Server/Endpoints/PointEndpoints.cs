using LayerScope.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace LayerScope.Server.Endpoints;

/// <summary><c>GET /api/runs/{id}/points/{index}</c> (what hovering shows) and <c>GET /api/runs/{id}/search</c>.</summary>
internal static class PointEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RunCatalog catalog)
    {
        app.MapGet("/api/runs/{id}/points/{index}", (string id, string index) =>
        {
            var run = RunLookup.Run(catalog, id);
            var point = RunLookup.Point(run, index, "index");
            var columns = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var column in run.Manifest.Columns) columns[column.Name] = ColumnValue(run, column, point);
            var relevance = run.Manifest.Relevance is { } r ? new RelevanceAnswer(r.Method, r.Target, Row(run.Array(r.Array), point)) : null;
            return Results.Json(new PointAnswer(point, columns, Input(run, point), relevance));
        });

        app.MapGet("/api/runs/{id}/search", (HttpContext context, string id) =>
        {
            var run = RunLookup.Run(catalog, id);
            var text = RunLookup.Required(context.Request.Query["q"], "q");
            var limit = RunLookup.Count(context.Request.Query["limit"], "limit", 1000);
            // One bit per point, not a set of matches: "class" matches every point of a million-point run, and 50
            // clients searching it held a sorted set of a million entries (about 40 MB) each.
            var matches = new System.Collections.BitArray(run.Manifest.Points);
            if (run.InputTexts is { } texts) AddMatches(matches, texts, text);
            foreach (var column in run.Manifest.Columns)
            {
                if (column is { Kind: RunColumn.TextKind, File: { } file })
                {
                    AddMatches(matches, run.Strings(file, $"columns.{column.Name}.file"), text);
                }
                else if (column is { Kind: RunColumn.CategoryKind, Array: { } array, Categories: { } categories })
                {
                    var codes = categories.Select((name, code) => (name, code))
                        .Where(c => c.name.Contains(text, StringComparison.OrdinalIgnoreCase)).Select(c => c.code).ToHashSet();
                    if (codes.Count == 0) continue;
                    var values = run.Array(array).Values;
                    for (int i = 0; i < values.Length; i++)
                        if (codes.Contains((int)values[i])) matches[i] = true;
                }
            }
            var first = new List<int>(Math.Min(limit, 1024));
            int total = 0;
            for (int i = 0; i < matches.Length; i++)
            {
                if (!matches[i]) continue;
                if (total++ < limit) first.Add(i);
            }
            return Results.Json(new SearchAnswer([.. first], total));
        });
    }

    private static void AddMatches(System.Collections.BitArray matches, IReadOnlyList<string?> strings, string text)
    {
        for (int i = 0; i < strings.Count && i < matches.Length; i++)
            if (strings[i]?.Contains(text, StringComparison.OrdinalIgnoreCase) == true) matches[i] = true;
    }

    private static object? ColumnValue(ServedRun run, RunColumn column, int point)
    {
        switch (column.Kind)
        {
            case RunColumn.CategoryKind:
                var code = run.Array(column.Array!).Values[point];
                return code >= 0 && code < column.Categories!.Count && code == Math.Floor(code) ? column.Categories[(int)code] : null;
            case RunColumn.NumberKind:
                return run.Array(column.Array!).Values[point];
            default:
                return run.Strings(column.File!, $"columns.{column.Name}.file")[point];
        }
    }

    private static object? Input(ServedRun run, int point)
    {
        var inputs = run.Manifest.Inputs;
        switch (inputs?.Kind)
        {
            case RunInputs.TextKind:
                var highlight = run.Highlights?[point];
                return new TextInput(inputs.Kind, run.InputTexts![point], highlight);
            case RunInputs.ImageKind:
                var image = run.Array(inputs.Array!);
                var pixels = Row(image, point);
                // Grey levels may be 0–1 or 0–255: scale by the array's largest value.
                if (image.Max > 1) for (int i = 0; i < pixels.Length; i++) pixels[i] /= image.Max;
                return new ImageInput(inputs.Kind, inputs.Width!.Value, inputs.Height!.Value, pixels);
            case RunInputs.SequenceKind:
                var sequence = run.Array(inputs.Array!);
                int steps = (int)sequence.Shape[1], features = (int)sequence.Shape[2];
                int length = (int)Math.Clamp(run.Array(inputs.Lengths!).Values[point], 0, steps);
                var row = Row(sequence, point);
                var values = Enumerable.Range(0, length).Select(t => row.AsSpan(t * features, features).ToArray()).ToList();
                return new SequenceInput(inputs.Kind, inputs.Names, values);
            case RunInputs.ValuesKind:
                return new ValuesInput(inputs.Kind, inputs.Names, Row(run.Array(inputs.Array!), point));
            default:
                return null;
        }
    }

    private static float[] Row(LoadedArray array, int point)
    {
        var width = (int)array.RowLength;
        return array.Values.AsSpan(point * width, width).ToArray();
    }

    private sealed record PointAnswer(int Index, IReadOnlyDictionary<string, object?> Columns, object? Input, RelevanceAnswer? Relevance);

    /// <summary>The point's relevance map, laid out as its input (row-major).</summary>
    private sealed record RelevanceAnswer(string Method, long Target, float[] Values);

    private sealed record TextInput(string Kind, string? Text, int[]? Highlight);

    private sealed record ImageInput(string Kind, int Width, int Height, float[] Pixels);

    private sealed record SequenceInput(string Kind, IReadOnlyList<string>? Names, IReadOnlyList<float[]> Values);

    private sealed record ValuesInput(string Kind, IReadOnlyList<string>? Names, float[] Values);

    private sealed record SearchAnswer(int[] Matches, int Total);
}
