using System.Globalization;

namespace LayerScope.Server.Endpoints;

/// <summary>Finds the run and parses the numbers a request names, turning every miss into a 400 or 404 answer.</summary>
internal static class RunLookup
{
    /// <summary>The run <paramref name="id"/>; the catalog is searched again (unless it just was) before answering
    /// 404, so a run written after the list was loaded is found, and unknown ids cannot make the server search the
    /// folder for every request.</summary>
    public static ServedRun Run(RunCatalog catalog, string id)
    {
        if (catalog.Find(id) is { } run) return run;
        catalog.RefreshIfStale();
        return catalog.Find(id) ?? throw ApiException.NotFound($"there is no run '{id}'.");
    }

    /// <summary>A point index of <paramref name="run"/>: 400 when not a number, 404 when out of range.</summary>
    public static int Point(ServedRun run, string? text, string parameter = "point")
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            throw ApiException.BadRequest($"'{parameter}' must be a point index (0 to {run.Manifest.Points - 1}); got '{text}'.");
        if (index >= run.Manifest.Points)
            throw ApiException.NotFound($"run '{run.Id}' has {run.Manifest.Points} points; there is no point {index}.");
        return index;
    }

    /// <summary>An optional non-negative integer query parameter.</summary>
    public static int Count(string? text, string parameter, int whenMissing)
    {
        if (string.IsNullOrEmpty(text)) return whenMissing;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw ApiException.BadRequest($"'{parameter}' must be a non-negative integer; got '{text}'.");
    }

    /// <summary>A required query parameter.</summary>
    public static string Required(string? text, string parameter) =>
        string.IsNullOrEmpty(text) ? throw ApiException.BadRequest($"the query parameter '{parameter}' is required.") : text;
}
