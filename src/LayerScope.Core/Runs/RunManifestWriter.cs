using LayerScope.Arrays;
using LayerScope.Dynamics;
using System.Text.Json;
using LayerScope.Reduction;
using LayerScope.Storage;
using LayerScope.Storage.Npy;

namespace LayerScope.Runs;

/// <summary>
/// Builds a run folder: each <c>Add</c> writes its file (arrays through <see cref="NpyWriter"/>, strings as JSON)
/// and records it; <see cref="Write"/> writes run.json last, atomically. Write into a <see cref="StagedDirectory"/>
/// so the run appears complete or not at all. Mistakes a caller makes (an array with the wrong number of points, a
/// column naming an unknown array) throw at once, so a writer cannot produce a manifest the reader refuses.
/// </summary>
public sealed class RunManifestWriter
{
    private readonly Dictionary<string, RunArray> _arrays = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long[]> _shapes = new(StringComparer.Ordinal);
    private readonly List<RunColumn> _columns = [];
    private readonly List<RunLayer> _layers = [];
    private readonly List<RunActivations> _activations = [];
    private readonly List<RunEmbedding> _embeddings = [];
    private readonly List<RunDynamics> _dynamics = [];
    private readonly List<RunUnits> _units = [];
    private readonly HashSet<string> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Layer, string Method), DenseMatrix> _previousEmbeddings = [];
    private RunInputs? _inputs;
    private RunRelevance? _relevance;

    /// <summary>Starts a run in <paramref name="folder"/> (created when missing).</summary>
    /// <param name="folder">The run folder; run.json and every file go inside it.</param>
    /// <param name="title">A title for people.</param>
    /// <param name="source">What wrote the run, e.g. "layerscope demo banknote".</param>
    /// <param name="points">N: the first axis of every array.</param>
    public RunManifestWriter(string folder, string title, string source, int points)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(points);
        Folder = Path.GetFullPath(folder);
        Title = title;
        Source = source;
        Points = points;
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The run folder.</summary>
    public string Folder { get; }

    /// <summary>The run's title.</summary>
    public string Title { get; }

    /// <summary>What wrote the run.</summary>
    public string Source { get; }

    /// <summary>N, the number of points.</summary>
    public int Points { get; }

    /// <summary>The time written into the manifest; now, unless set (tests fix it).</summary>
    public DateTimeOffset Created { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Writes <paramref name="array"/> to <paramref name="file"/> (relative to the run folder) and records
    /// it as <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name or file is taken, the file name is unsafe, or the array's first
    /// axis is not <see cref="Points"/>.</exception>
    public RunManifestWriter AddArray(string name, string file, NpyArray array)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(array);
        if (!RunManifest.IsArrayName(name))
            throw new ArgumentException($"'{name}' cannot name an array: use letters, digits, '.', '_' and '-' (the name travels in URLs; RunManifest.ToArrayName makes one).", nameof(name));
        if (_arrays.ContainsKey(name)) throw new ArgumentException($"The run already has an array named '{name}'.", nameof(name));
        if (!file.EndsWith(".npy", StringComparison.Ordinal)) throw new ArgumentException($"Array files are .npy files; '{file}' is not.", nameof(file));
        var shape = array.Shape;
        if (shape.Length == 0 || shape[0] != Points)
            throw new ArgumentException($"Array '{name}' has shape [{string.Join(", ", shape)}]; its first axis must be the run's {Points} points.", nameof(array));
        NpyWriter.Write(ClaimFile(file), array);
        _arrays[name] = new RunArray(file);
        _shapes[name] = shape;
        return this;
    }

    /// <summary>Writes <paramref name="array"/> as array <paramref name="name"/> (file <paramref name="file"/>).</summary>
    public RunManifestWriter AddArray(string name, string file, Float32Array array) =>
        AddArray(name, file, NpyArray.From(array));

    /// <summary>Writes float32 <paramref name="values"/> of <paramref name="shape"/> as array <paramref name="name"/>.</summary>
    public RunManifestWriter AddArray(string name, string file, float[] values, params long[] shape) =>
        AddArray(name, file, NpyArray.Create(values, shape));

    /// <summary>Writes a [N] array of category codes and adds a category column over it. Codes are indices into
    /// <paramref name="categories"/>; −1 means missing.</summary>
    public RunManifestWriter AddCategoryColumn(string name, string file, IReadOnlyList<int> codes, IReadOnlyList<string> categories)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(categories);
        AddArray(ColumnArrayName(name), file, NpyArray.Create(codes.Select(c => (long)c).ToArray(), codes.Count));
        return AddCategoryColumn(name, ColumnArrayName(name), categories);
    }

    /// <summary>Adds a category column of integer class labels as a user gave them (any integers, not necessarily
    /// 0..K−1): the distinct values, in increasing order, become the categories, named by their values.</summary>
    public RunManifestWriter AddLabelColumn(string name, string file, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var values = labels.Distinct().Order().ToList();
        var codes = labels.Select(l => values.BinarySearch(l)).ToList();
        return AddCategoryColumn(name, file, codes, values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList());
    }

    /// <summary>Adds a category column over an array already added.</summary>
    public RunManifestWriter AddCategoryColumn(string name, string array, IReadOnlyList<string> categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        RequireArray(array, rank: 1);
        return AddColumn(new RunColumn { Name = name, Kind = RunColumn.CategoryKind, Array = array, Categories = [.. categories] });
    }

    /// <summary>Adds a number column over a [N] array already added.</summary>
    public RunManifestWriter AddNumberColumn(string name, string array)
    {
        RequireArray(array, rank: 1);
        return AddColumn(new RunColumn { Name = name, Kind = RunColumn.NumberKind, Array = array });
    }

    /// <summary>Writes N strings to the JSON file <paramref name="file"/> and adds a text column over them.</summary>
    public RunManifestWriter AddTextColumn(string name, string file, IReadOnlyList<string> texts)
    {
        WriteJson(file, RequirePointCount(texts, nameof(texts)));
        return AddColumn(new RunColumn { Name = name, Kind = RunColumn.TextKind, File = file });
    }

    /// <summary>Inputs that are strings: writes N texts to <paramref name="file"/> and, when given, N spans
    /// [start, length] (the part of the text each point stands for) to <paramref name="highlightFile"/>.</summary>
    public RunManifestWriter SetTextInputs(string file, IReadOnlyList<string> texts, string? highlightFile = null,
        IReadOnlyList<(int Start, int Length)>? highlights = null)
    {
        WriteJson(file, RequirePointCount(texts, nameof(texts)));
        if ((highlightFile is null) != (highlights is null))
            throw new ArgumentException("Give both the highlight file and the highlights, or neither.", nameof(highlights));
        if (highlights is not null)
            WriteJson(highlightFile!, RequirePointCount(highlights, nameof(highlights)).Select(h => new[] { h.Start, h.Length }).ToList());
        return SetInputs(new RunInputs { Kind = RunInputs.TextKind, File = file, Highlight = highlightFile });
    }

    /// <summary>Inputs that are grey-level images, an [N, H·W] or [N, H, W] array already added.</summary>
    public RunManifestWriter SetImageInputs(string array, int width, int height)
    {
        var shape = RequireArray(array);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        bool fits = shape.Length switch
        {
            2 => shape[1] == (long)width * height,
            3 => shape[1] == height && shape[2] == width,
            _ => false,
        };
        if (!fits) throw new ArgumentException($"Array '{array}' has shape [{string.Join(", ", shape)}]; images of {width} × {height} need [N, {width * height}] or [N, {height}, {width}].", nameof(array));
        return SetInputs(new RunInputs { Kind = RunInputs.ImageKind, Array = array, Width = width, Height = height });
    }

    /// <summary>Inputs that are sequences: an [N, T, F] array padded after each point's length, and the [N] array of
    /// lengths, both already added; <paramref name="names"/> names the F features.</summary>
    public RunManifestWriter SetSequenceInputs(string array, string lengths, IReadOnlyList<string> names)
    {
        var shape = RequireArray(array, rank: 3);
        RequireArray(lengths, rank: 1);
        RequireNames(names, shape[2], array);
        return SetInputs(new RunInputs { Kind = RunInputs.SequenceKind, Array = array, Lengths = lengths, Names = [.. names] });
    }

    /// <summary>Inputs that are feature vectors: an [N, F] array already added; <paramref name="names"/> names the F
    /// features.</summary>
    public RunManifestWriter SetValuesInputs(string array, IReadOnlyList<string> names)
    {
        var shape = RequireArray(array, rank: 2);
        RequireNames(names, shape[1], array);
        return SetInputs(new RunInputs { Kind = RunInputs.ValuesKind, Array = array, Names = [.. names] });
    }

    /// <summary>Relevance maps over the inputs (set first): an array already added with one value per input element
    /// ([N, H·W] or [N, H, W] for images, the inputs' own shape for values and sequences), the method that made it and
    /// the class it explains.</summary>
    public RunManifestWriter SetRelevance(string array, string method, long target)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentOutOfRangeException.ThrowIfNegative(target);
        var shape = RequireArray(array);
        if (_relevance is not null) throw new InvalidOperationException("The run's relevance maps are already set.");
        var inputs = _inputs ?? throw new InvalidOperationException("Set the run's inputs before its relevance maps: they are drawn over them.");
        if (RunRelevance.Mismatch(shape, inputs, inputs.Array is { } input ? _shapes[input] : null) is { } expected)
            throw new ArgumentException($"Relevance array '{array}' has shape [{string.Join(", ", shape)}] with {inputs.Kind} inputs; expected {expected}.", nameof(array));
        _relevance = new RunRelevance(array, method, target);
        return this;
    }

    /// <summary>Records a layer; its activations and embeddings refer to it by name.</summary>
    public RunManifestWriter AddLayer(string name, int units)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        if (_layers.Any(l => l.Name == name)) throw new ArgumentException($"The run already has a layer named '{name}'.", nameof(name));
        _layers.Add(new RunLayer(name, units));
        return this;
    }

    /// <summary>Records an [N, U] or [N, T, U] array already added as the activations of <paramref name="layer"/>
    /// (U its units), after <paramref name="epoch"/> when per epoch.</summary>
    public RunManifestWriter AddActivations(string layer, string array, int? epoch = null)
    {
        var units = RequireLayer(layer).Units;
        var shape = RequireArray(array);
        if (shape.Length is not (2 or 3) || shape[^1] != units)
            throw new ArgumentException($"Activations of '{layer}' ({units} units) must be [N, {units}] or [N, T, {units}]; '{array}' is [{string.Join(", ", shape)}].", nameof(array));
        _activations.Add(new RunActivations { Layer = layer, Array = array, Epoch = epoch });
        return this;
    }

    /// <summary>Records an [N, 2] or [N, 3] array already added as an embedding of <paramref name="layer"/>, as it
    /// is (a raw layer of 2 or 3 units is drawn with its units as axes).</summary>
    public RunManifestWriter AddEmbedding(string layer, string method, string array, int? epoch = null, IReadOnlyDictionary<string, double>? parameters = null)
    {
        RequireLayer(layer);
        if (!RunEmbedding.Methods.Contains(method))
            throw new ArgumentException($"Unknown embedding method '{method}'; use {string.Join(", ", RunEmbedding.Methods)}.", nameof(method));
        var shape = RequireArray(array, rank: 2);
        if (shape[1] is not (2 or 3))
            throw new ArgumentException($"An embedding has 2 or 3 columns; '{array}' is [{string.Join(", ", shape)}].", nameof(array));
        _embeddings.Add(new RunEmbedding
        {
            Layer = layer, Method = method, Dims = (int)shape[1], Array = array, Epoch = epoch,
            Parameters = parameters is null ? new Dictionary<string, double>() : new Dictionary<string, double>(parameters),
        });
        return this;
    }

    /// <summary>Writes <paramref name="coordinates"/> ([N, 2] or [N, 3]) as array <paramref name="name"/> and records it
    /// as an embedding, first aligned onto the previous coordinates added this way for the same layer and method
    /// (<see cref="EmbeddingAlignment"/>), so that the embeddings of successive epochs animate smoothly.</summary>
    /// <returns>The coordinates as written (aligned).</returns>
    public DenseMatrix AddAlignedEmbedding(string layer, string method, string name, string file, DenseMatrix coordinates,
        int? epoch = null, IReadOnlyDictionary<string, double>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        var key = (layer, method);
        var aligned = _previousEmbeddings.TryGetValue(key, out var previous) ? EmbeddingAlignment.Align(coordinates, previous) : coordinates;
        AddArray(name, file, aligned.Values, aligned.Rows, aligned.Columns);
        AddEmbedding(layer, method, name, epoch, parameters);
        _previousEmbeddings[key] = aligned;
        return aligned;
    }

    /// <summary>Writes <paramref name="dynamics"/> to <paramref name="file"/> (a .json file relative to the run folder;
    /// by default <c>{network}/dynamics.json</c>) and records it as the training dynamics of its network.</summary>
    public RunManifestWriter AddDynamics(TrainingDynamics dynamics, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        ArgumentException.ThrowIfNullOrWhiteSpace(dynamics.Network);
        file ??= $"{RunManifest.ToArrayName(dynamics.Network)}/{TrainingDynamicsFile.FileName}";
        if (!file.EndsWith(".json", StringComparison.Ordinal)) throw new ArgumentException($"A dynamics file is a .json file; '{file}' is not.", nameof(file));
        if (_dynamics.Any(d => d.Network == dynamics.Network)) throw new ArgumentException($"The run already has dynamics of '{dynamics.Network}'.", nameof(dynamics));
        TrainingDynamicsFile.Write(ClaimFile(file), dynamics);
        _dynamics.Add(new RunDynamics(dynamics.Network, file));
        return this;
    }

    /// <summary>The categories of a correctness column: 0 wrong, 1 right.</summary>
    public static IReadOnlyList<string> CorrectnessCategories { get; } = ["wrong", "right"];

    /// <summary>Adds a column of predicted classes and one of correctness (<see cref="CorrectnessCategories"/>) against
    /// <paramref name="actual"/>: the two columns every classifier's run carries.</summary>
    public RunManifestWriter AddPredictionColumns(string predictedColumn, string predictedFile, string correctColumn, string correctFile,
        IReadOnlyList<int> predicted, IReadOnlyList<int> actual, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(actual);
        if (predicted.Count != actual.Count) throw new ArgumentException($"{predicted.Count} predictions for {actual.Count} labels.", nameof(predicted));
        AddCategoryColumn(predictedColumn, predictedFile, predicted, classNames);
        return AddCategoryColumn(correctColumn, correctFile, predicted.Select((p, i) => p == actual[i] ? 1 : 0).ToList(), CorrectnessCategories);
    }

    /// <summary>Puts a captured layer into the run in one call: its values as array <paramref name="arrayName"/>
    /// (file <paramref name="file"/>), the layer <paramref name="layer"/> (recorded the first time, its units the
    /// array's last axis), its activations (after <paramref name="epoch"/> when per epoch) and, when the layer has 2 or
    /// 3 units, the same array as its raw embedding: such a layer is its own picture, and its units are the axes, so
    /// it is not aligned between epochs.</summary>
    /// <returns>Whether a raw embedding was recorded.</returns>
    public bool AddCapturedLayer(string layer, string arrayName, string file, Float32Array values, int? epoch = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        int units = checked((int)values.Shape[^1]);
        AddArray(arrayName, file, values);
        if (!_layers.Any(l => l.Name == layer)) AddLayer(layer, units);
        AddActivations(layer, arrayName, epoch);
        if (values.Shape.Length != 2 || !RawReducer.Fits(units)) return false;
        AddEmbedding(layer, RunEmbedding.RawMethod, arrayName, epoch);
        return true;
    }

    /// <summary>A conv layer's channels for the units view (set the image inputs first), written under
    /// <c>units/</c>: <paramref name="top"/> [C, k, 6] (per channel its k best points as point, activation, top, left,
    /// height, width; <see cref="RunUnits"/>), optionally the feature maps <paramref name="maps"/> [M, C, h, w] of
    /// the run points <paramref name="mapPoints"/> (ascending) and the synthesized images <paramref name="synthesis"/>
    /// [C, H, W].</summary>
    public RunManifestWriter AddUnits(string layer, Float32Array top, Float32Array? maps = null, IReadOnlyList<int>? mapPoints = null, Float32Array? synthesis = null,
        Float32Array? synthesisScores = null, string? synthesisObjective = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(layer);
        ArgumentNullException.ThrowIfNull(top);
        if (_units.Any(u => u.Layer == layer)) throw new ArgumentException($"The run already has units of layer '{layer}'.", nameof(layer));
        int channels = top.Shape.Length > 0 ? (int)top.Shape[0] : 0;
        long[]? pointsShape = mapPoints is null ? null : [mapPoints.Count];
        if (synthesisObjective is not null && (synthesis is null || string.IsNullOrWhiteSpace(synthesisObjective)))
            throw new ArgumentException($"Units of layer '{layer}': a synthesis objective needs synthesized images and must not be blank.", nameof(synthesisObjective));
        if (RunUnits.Mismatch(channels, _inputs, top.Shape, maps?.Shape, pointsShape, synthesis?.Shape, synthesisScores?.Shape) is { } bad)
            throw new ArgumentException($"Units of layer '{layer}': {bad.Field} has shape [{string.Join(", ", bad.Shape)}]; expected {bad.Expected}.");
        if (RunUnits.BadTopEntry(top.Values, Points) is var entry and >= 0)
            throw new ArgumentException($"Units of layer '{layer}': top entry {entry} names no point of the run's {Points} (or has a negative patch size).", nameof(top));
        if (mapPoints is not null && RunUnits.BadMapPoint([.. mapPoints.Select(p => (long)p)], Points) is var position and >= 0)
            throw new ArgumentException($"Units of layer '{layer}': map point {position} is not a run point above the one before it.", nameof(mapPoints));
        var stem = $"units/{RunManifest.ToArrayName(layer)}";
        string File(string suffix, Float32Array array)
        {
            var file = $"{stem}-{suffix}.npy";
            NpyWriter.Write(ClaimFile(file), NpyArray.From(array));
            return file;
        }
        string? pointsFile = null;
        if (mapPoints is not null)
        {
            pointsFile = $"{stem}-map-points.npy";
            NpyWriter.Write(ClaimFile(pointsFile), NpyArray.Create(mapPoints.Select(p => (long)p).ToArray(), mapPoints.Count));
        }
        _units.Add(new RunUnits(layer, channels, File("top", top), maps is null ? null : File("maps", maps), pointsFile,
            synthesis is null ? null : File("synthesis", synthesis), synthesisScores is null ? null : File("synthesis-scores", synthesisScores), synthesisObjective));
        return this;
    }

    /// <summary>The manifest as it stands.</summary>
    public RunManifest Build() => new()
    {
        Title = Title,
        Source = Source,
        Created = Created,
        Points = Points,
        Arrays = new Dictionary<string, RunArray>(_arrays, StringComparer.Ordinal),
        Columns = [.. _columns],
        Inputs = _inputs,
        Relevance = _relevance,
        Layers = [.. _layers],
        Activations = [.. _activations],
        Embeddings = [.. _embeddings],
        Dynamics = [.. _dynamics],
        Units = [.. _units],
    };

    /// <summary>Writes run.json into the run folder, atomically, and returns its path. Call it last: a reader that
    /// sees run.json finds every file it names.</summary>
    public string Write()
    {
        var path = Path.Combine(Folder, RunManifest.FileName);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(Build(), RunJson.Options) + "\n");
        return path;
    }

    private RunManifestWriter AddColumn(RunColumn column)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(column.Name);
        if (_columns.Any(c => c.Name == column.Name)) throw new ArgumentException($"The run already has a column named '{column.Name}'.");
        _columns.Add(column);
        return this;
    }

    private RunManifestWriter SetInputs(RunInputs inputs)
    {
        if (_inputs is not null) throw new InvalidOperationException("The run's inputs are already set; a run has one kind of input.");
        _inputs = inputs;
        return this;
    }

    private string ClaimFile(string file)
    {
        if (RunPaths.Problem(file) is { } problem) throw new ArgumentException($"Unsafe run file name: {problem}.", nameof(file));
        if (!_files.Add(file)) throw new ArgumentException($"The run already has a file '{file}'.", nameof(file));
        var path = Path.GetFullPath(Path.Combine(Folder, file));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    private void WriteJson<T>(string file, T value)
    {
        if (!file.EndsWith(".json", StringComparison.Ordinal)) throw new ArgumentException($"String files are .json files; '{file}' is not.", nameof(file));
        AtomicFile.WriteAllText(ClaimFile(file), JsonSerializer.Serialize(value, RunJson.Compact));
    }

    private long[] RequireArray(string array, int? rank = null)
    {
        if (!_shapes.TryGetValue(array, out var shape))
            throw new ArgumentException($"The run has no array '{array}'; add it first (arrays: {string.Join(", ", _shapes.Keys)}).", nameof(array));
        if (rank is { } r && shape.Length != r)
            throw new ArgumentException($"Array '{array}' must have {r} axes; its shape is [{string.Join(", ", shape)}].", nameof(array));
        return shape;
    }

    private RunLayer RequireLayer(string layer) =>
        _layers.FirstOrDefault(l => l.Name == layer)
        ?? throw new ArgumentException($"The run has no layer '{layer}'; add it with AddLayer first.", nameof(layer));

    private IReadOnlyList<T> RequirePointCount<T>(IReadOnlyList<T> items, string parameter)
    {
        ArgumentNullException.ThrowIfNull(items, parameter);
        if (items.Count != Points) throw new ArgumentException($"{items.Count} {parameter} were given for {Points} points.", parameter);
        return items;
    }

    private static void RequireNames(IReadOnlyList<string> names, long features, string array)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count != features) throw new ArgumentException($"Array '{array}' has {features} features but {names.Count} names were given.", nameof(names));
    }

    private static string ColumnArrayName(string column) => RunManifest.ToArrayName("column-" + column);
}
