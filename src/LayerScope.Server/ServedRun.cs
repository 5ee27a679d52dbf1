using LayerScope.Arrays;
using System.Text.Json;
using LayerScope.Reduction;
using LayerScope.Reduction.Neighbors;
using LayerScope.Runs;
using LayerScope.Storage;
using LayerScope.Storage.Npy;

namespace LayerScope.Server;

/// <summary>
/// One run as the server holds it: its manifest, and the arrays, strings and neighbour indexes loaded from its files
/// on first use into the server's <see cref="RunDataCache"/> (bounded by bytes; a run is written once, and when its
/// run.json changes the catalog makes a new <see cref="ServedRun"/>, whose entries have other keys). Files are reached
/// only through names in the manifest, resolved by <see cref="RunPaths"/>, and opened only when they are regular files.
/// </summary>
public sealed class ServedRun
{
    private readonly RunDataCache _cache;
    private readonly string _cacheKey;

    internal ServedRun(string id, string folder, RunManifest manifest, DateTime manifestWritten, RunDataCache cache)
    {
        Id = id;
        Folder = folder;
        Manifest = manifest;
        ManifestWritten = manifestWritten;
        _cache = cache;
        _cacheKey = $"{folder}\0{manifestWritten.Ticks}\0";
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
        return _cache.GetOrAdd(_cacheKey + "array\0" + name, () =>
        {
            var field = $"arrays.{name}.file";
            var path = RunPaths.Resolve(Folder, entry.File, ManifestPath, field);
            NpyArray read;
            using (var stream = RegularFile.OpenRead(path, ManifestPath, field)) read = NpyReader.Read(stream, path);
            var array = new LoadedArray(read.ToFloat32Array(name));
            // An activations array also gets a neighbour index, whose squared norms are one float per point.
            long extra = Manifest.Activations.Any(a => a.Array == name) ? array.Shape[0] * sizeof(float) : 0;
            return (array, array.Values.LongLength * sizeof(float) + extra);
        });
    }

    /// <summary>A .npy file of a units entry (<see cref="RunUnits"/>) as float32; <paramref name="field"/> names it
    /// in errors (e.g. "units[0].maps").</summary>
    internal LoadedArray UnitFile(string file, string field) =>
        _cache.GetOrAdd(_cacheKey + "units\0" + file, () =>
        {
            var path = RunPaths.Resolve(Folder, file, ManifestPath, field);
            NpyArray read;
            using (var stream = RegularFile.OpenRead(path, ManifestPath, field)) read = NpyReader.Read(stream, path);
            var array = new LoadedArray(read.ToFloat32Array(field));
            return (array, array.Values.LongLength * sizeof(float));
        });

    /// <summary>The strings of a JSON file the manifest names (text inputs or a text column).</summary>
    internal IReadOnlyList<string?> Strings(string file, string field) =>
        _cache.GetOrAdd(_cacheKey + "json\0" + file, () =>
        {
            var strings = ReadJson<List<string?>>(file, field);
            return ((IReadOnlyList<string?>)strings, strings.Sum(s => 32L + 2L * (s?.Length ?? 0)));
        });

    /// <summary>The [start, length] highlights of text inputs, or null.</summary>
    internal IReadOnlyList<int[]>? Highlights =>
        Manifest.Inputs?.Highlight is { } file
            ? _cache.GetOrAdd(_cacheKey + "highlight\0" + file, () =>
            {
                var spans = ReadJson<List<int[]>>(file, "inputs.highlight");
                return ((IReadOnlyList<int[]>)spans, spans.Sum(s => 32L + 4L * (s?.Length ?? 0)));
            })
            : null;

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
    /// ([N, T, U] flattened to [N, T·U]); built on first use and kept with the array.</summary>
    internal ServedNeighborIndex NeighborIndex(string name) => Activations(name).NeighborIndex;

    private string ManifestPath => Path.Combine(Folder, RunManifest.FileName);

    private T ReadJson<T>(string file, string field)
    {
        var path = RunPaths.Resolve(Folder, file, ManifestPath, field);
        using var stream = RegularFile.OpenRead(path, ManifestPath, field);
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
    private ServedNeighborIndex? _neighbors;

    /// <summary>The neighbour index over this array's rows, made on first use.</summary>
    public ServedNeighborIndex NeighborIndex
    {
        get
        {
            if (_neighbors is { } made) return made;
            int rows = (int)Shape[0];
            int columns = rows == 0 ? 0 : (int)(Values.LongLength / rows);
            var index = new ServedNeighborIndex(new ExactKnnIndex(new DenseMatrix(Values, rows, columns)));
            return Interlocked.CompareExchange(ref _neighbors, index, null) ?? index;
        }
    }
}

/// <summary>A neighbour index and the gate that lets one query at a time use it: libtorch's GEMM on operands shared
/// by many requests failed internal assertions, and queued requests wait without holding a thread.</summary>
internal sealed class ServedNeighborIndex(ExactKnnIndex index)
{
    public ExactKnnIndex Index { get; } = index;

    public SemaphoreSlim Owner { get; } = new(1, 1);
}
