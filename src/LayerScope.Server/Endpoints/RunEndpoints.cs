using LayerScope.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace LayerScope.Server.Endpoints;

/// <summary><c>GET /api/runs</c>, <c>GET /api/runs/{id}</c> and <c>GET /api/runs/{id}/files/{name}</c>.</summary>
internal static class RunEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RunCatalog catalog)
    {
        app.MapGet("/api/runs", () =>
        {
            catalog.RefreshIfStale();
            return Results.Json(catalog.Runs.Select(r => new RunSummary(r.Id, r.Manifest.Title, r.Manifest.Source, r.Manifest.Points)));
        });

        // The manifest as read; RunManifestReader has filled in every array's shape.
        app.MapGet("/api/runs/{id}", (string id) => Results.Json(RunLookup.Run(catalog, id).Manifest));

        app.MapGet("/api/runs/{id}/files/{name}", (string id, string name) =>
        {
            var run = RunLookup.Run(catalog, id);
            var inputs = run.Manifest.Inputs;
            // Re-serialised rather than copied, so the answer is escaped like every other answer.
            if (name == "inputs" && inputs is { Kind: RunInputs.TextKind, File: { } texts })
                return Results.Json(run.Strings(texts, "inputs.file"));
            if (name == "inputs.highlight" && run.Highlights is { } highlights)
                return Results.Json(highlights);
            if (run.Manifest.Columns.FirstOrDefault(c => c.Name == name && c.Kind == RunColumn.TextKind) is { File: { } file })
                return Results.Json(run.Strings(file, $"columns.{name}.file"));
            throw ApiException.NotFound($"run '{id}' has no file '{name}' (files are named by their manifest key: 'inputs', 'inputs.highlight' or a text column's name).");
        });
    }

    private sealed record RunSummary(string Id, string Title, string Source, int Points);
}
