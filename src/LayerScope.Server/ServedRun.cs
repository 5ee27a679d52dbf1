using LayerScope.Arrays;
using System.Collections.Concurrent;
using System.Text.Json;
using LayerScope.Reduction;
using LayerScope.Reduction.Neighbors;
using LayerScope.Runs;
using LayerScope.Storage.Npy;

namespace LayerScope.Server;

/// <summary>
/// One run as the server holds it: its manifest, and the arrays, strings and neighbour indexes loaded from its files
/// on first use and kept (a run is written once; when its run.json changes the catalog makes a new
/// <see cref="ServedRun"/>). Files are reached only through names in the manifest, resolved by
/// <see cref="RunPaths"/>.
/// </summary>
public sealed class ServedRun
{
    private readonly ConcurrentDictionary<string, Lazy<LoadedArray>> _arrays = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<string?>>> _strings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<ExactKnnIndex>> _indexes = new(StringComparer.Ordinal);
    private readonly Lazy<IReadOnlyList<int[]>?> _highlights;

    internal ServedRun(string id, string folder, RunManifest manifest, DateTime manifestWritten)
    {
        Id = id;
        Folder = folder;
        Manifest = manifest;
        ManifestWritten = manifestWritten;
        _highlights = new(() => Manifest.Inputs?.Highlight is { } file ? ReadJson<List<int[]>>(file, "inputs.highlight") : null);
    }

    /// <summary>The opaque id in URLs.</summary>
    public string Id { get; }

    /// <summary>The run folder.</summary>
    public string Folder { get; }

    /// <summary>The validated manifest, with array shapes.</summary>
    public RunManifest Manifest { get; }

    internal DateTime ManifestWritten { get; }

    /// <summary>The array <paramref name="name"/> as float32.</summary>
    /// <exception cref="ApiException">404: the manifest names no such array.</exception>
    internal LoadedArray Array(string name)
    {
        if (!Manifest.Arrays.TryGetValue(name, out var entry))
            throw ApiException.NotFound($"run '{Id}' has no array '{name}'.");
        return _arrays.GetOrAdd(name, _ => new Lazy<LoadedArray>(() =>
        {
            var path = RunPaths.Resolve(Folder, entry.File, ManifestPath, $"arrays.{name}.file");
            return new LoadedArray(NpyReader.Read(path).ToFloat32Array(name));
        })).Value;
    }

    /// <summary>The strings of a JSON file the manifest names (text inputs or a text column).</summary>
    internal IReadOnlyList<string?> Strings(string file, string field) =>
        _strings.GetOrAdd(file, _ => new Lazy<IReadOnlyList<string?>>(() => ReadJson<List<string?>>(file, field))).Value;

    /// <summary>The [start, length] highlights of text inputs, or null.</summary>
    internal IReadOnlyList<int[]>? Highlights => _highlights.Value;

    /// <summary>The input texts, or null when the inputs are not text.</summary>
    internal IReadOnlyList<string?>? InputTexts =>
        Manifest.Inputs is { Kind: RunInputs.TextKind, File: { } file } ? Strings(file, "inputs.file") : null;

    /// <summary>The activations array <paramref name="name"/> (one the manifest lists under activations).</summary>
    internal LoadedArray Activations(string name)
    {
        if (!Manifest.Activations.Any(a => a.Array == name))
            throw ApiException.NotFound($"run '{Id}' has no activations '{name}' (activations: {string.Join(", ", Manifest.Activations.Select(a => a.Array).Distinct())}).");
        return Array(name);
    }

    /// <summary>An exact nearest-neighbour index over the activations <paramref name="name"/>, one row per point
    /// ([N, T, U] flattened to [N, T·U]); built on first use and kept.</summary>
    internal ExactKnnIndex NeighborIndex(string name)
    {
        var activations = Activations(name);
        return _indexes.GetOrAdd(name, _ => new Lazy<ExactKnnIndex>(() =>
        {
            int rows = (int)activations.Shape[0];
            int columns = rows == 0 ? 0 : (int)(activations.Values.LongLength / rows);
            return new ExactKnnIndex(new DenseMatrix(activations.Values, rows, columns));
        })).Value;
    }

    private string ManifestPath => Path.Combine(Folder, RunManifest.FileName);

    private T ReadJson<T>(string file, string field)
    {
        var path = RunPaths.Resolve(Folder, file, ManifestPath, field);
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<T>(stream, RunJson.Options)
            ?? throw new Errors.DataFormatException(path, field, "a JSON array", "null");
    }
}

/// <summary>An array of a run converted to float32 (<see cref="Float32Array"/>), with the figures the endpoints ask of it.</summary>
internal sealed record LoadedArray(Float32Array Array)
{
    /// <summary>The array's shape.</summary>
    public long[] Shape => Array.Shape;

    /// <summary>Its values in row-major order.</summary>
    public float[] Values => Array.Values;

    /// <summary>The number of values per point (the product of the axes after the first).</summary>
    public long RowLength => Array.FeaturesPerExample;

    /// <summary>The largest value (0 for an empty array), for scaling grey levels.</summary>
    public float Max => _max ??= Values.Length == 0 ? 0 : Values.Max();

    private float? _max;
}
