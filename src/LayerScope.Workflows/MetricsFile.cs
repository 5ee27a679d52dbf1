using System.Text.Json;
using LayerScope.Storage;

namespace LayerScope.Workflows;

/// <summary>
/// The metrics files every workflow writes (metrics.json, inspect.json): indented JSON with the property names the
/// values carry, written atomically. One settings object for all of them, so two workflows never disagree on format.
/// </summary>
public static class MetricsFile
{
    /// <summary>The settings: indented, names as declared (records carry their camelCase names as attributes).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serializes <paramref name="metrics"/> to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, object metrics)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(metrics);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(metrics, Options));
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions { WriteIndented = true };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
