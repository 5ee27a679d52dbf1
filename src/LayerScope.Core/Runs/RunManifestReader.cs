using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using LayerScope.Dynamics;
using LayerScope.Errors;
using LayerScope.Storage;
using LayerScope.Storage.Npy;

namespace LayerScope.Runs;

/// <summary>
/// Reads a run folder's run.json and checks it against what it names: every file is a safe relative path inside the
/// folder (<see cref="RunPaths"/>) and exists, every array's first axis is the number of points, every column, input,
/// activation and embedding refers to an array of the right shape. Errors are <see cref="DataFormatException"/>s that
/// name run.json and the field. The arrays' shapes, read from their headers, are filled into the result.
/// </summary>
public static class RunManifestReader
{
    /// <summary>Reads and validates the manifest of the run in <paramref name="runFolder"/>.</summary>
    /// <param name="runFolder">The folder holding run.json.</param>
    /// <returns>The manifest, with <see cref="RunArray.Shape"/> set for every array.</returns>
    /// <exception cref="DataFormatException">run.json is missing, is not a valid manifest, or disagrees with its files.</exception>
    public static RunManifest Read(string runFolder)
    {
        var folder = Path.GetFullPath(runFolder);
        var file = Path.Combine(folder, RunManifest.FileName);
        if (!File.Exists(file)) throw new DataFormatException(file, "file", "a run manifest", "no such file");

        RunManifest? parsed;
        try
        {
            using var stream = RegularFile.OpenRead(file, file, "file");
            parsed = JsonSerializer.Deserialize<RunManifest>(stream, RunJson.Options);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(file, string.IsNullOrEmpty(e.Path) ? "JSON" : e.Path, "a run manifest as in docs/viewer.md", e.Message);
        }
        if (parsed is null) throw new DataFormatException(file, "JSON", "an object", "null");
        return new Validation(folder, file, parsed).Run();
    }

    private sealed class Validation(string folder, string file, RunManifest manifest)
    {
        private readonly Dictionary<string, long[]> _shapes = new(StringComparer.Ordinal);

        public RunManifest Run()
        {
            if (manifest.Format != RunManifest.FormatName)
                Fail("format", $"\"{RunManifest.FormatName}\"", Quote(manifest.Format));
            if (manifest.Version != RunManifest.CurrentVersion)
                Fail("version", $"{RunManifest.CurrentVersion}", $"{manifest.Version}");
            if (manifest.Points < 0) Fail("points", "a number of points (0 or more)", $"{manifest.Points}");
            var arrays = Required(manifest.Arrays, "arrays");
            var columns = Required(manifest.Columns, "columns");
            var layers = Required(manifest.Layers, "layers");
            var activations = Required(manifest.Activations, "activations");
            var embeddings = Required(manifest.Embeddings, "embeddings");

            var withShapes = new Dictionary<string, RunArray>(StringComparer.Ordinal);
            foreach (var (name, array) in arrays)
            {
                var field = $"arrays.{name}";
                if (!RunManifest.IsArrayName(name))
                    Fail(field, "an array name of letters, digits, '.', '_' and '-' (it travels in URLs)", Quote(name));
                if (array is null) Fail(field, "an object with \"file\"", "null");
                if (string.IsNullOrWhiteSpace(array.File)) Fail(field + ".file", "the array's .npy file name", array.File is null ? "no \"file\"" : Quote(array.File));
                if (!array.File.EndsWith(".npy", StringComparison.Ordinal)) Fail(field + ".file", "an .npy file", Quote(array.File));
                var path = RunPaths.Resolve(folder, array.File, file, field + ".file");
                long[] shape;
                using (var stream = RegularFile.OpenRead(path, file, field + ".file")) shape = NpyReader.ReadHeader(stream, path).Shape;
                if (shape.Length == 0 || shape[0] != manifest.Points)
                    Fail(field, $"a first axis of {manifest.Points} (the points)", $"shape [{string.Join(", ", shape)}] in {array.File}");
                _shapes[name] = shape;
                withShapes[name] = array with { Shape = shape };
            }

            var columnNames = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < columns.Count; i++) CheckColumn(columns[i], $"columns[{i}]", columnNames);
            if (manifest.Inputs is { } inputs) CheckInputs(inputs);
            if (manifest.Relevance is { } relevance) CheckRelevance(relevance, manifest.Inputs);

            var layerUnits = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < layers.Count; i++)
            {
                var layer = layers[i] ?? Fail<RunLayer>($"layers[{i}]", "an object", "null");
                if (string.IsNullOrWhiteSpace(layer.Name)) Fail($"layers[{i}].name", "a name", Quote(layer.Name));
                if (layer.Units < 1) Fail($"layers[{i}].units", "at least 1", $"{layer.Units}");
                if (!layerUnits.TryAdd(layer.Name, layer.Units)) Fail($"layers[{i}].name", "a name used once", Quote(layer.Name));
            }
            for (int i = 0; i < activations.Count; i++)
            {
                var field = $"activations[{i}]";
                var entry = activations[i] ?? Fail<RunActivations>(field, "an object", "null");
                if (!layerUnits.TryGetValue(entry.Layer ?? "", out var u)) Fail(field + ".layer", $"one of the layers ({string.Join(", ", layerUnits.Keys)})", Quote(entry.Layer));
                var shape = Array(entry.Array, field + ".array");
                if (shape.Length is not (2 or 3) || shape[^1] != u)
                    Fail(field + ".array", $"[N, {u}] or [N, T, {u}] ({entry.Layer} has {u} units)", $"'{entry.Array}' of shape [{string.Join(", ", shape)}]");
            }
            for (int i = 0; i < embeddings.Count; i++)
            {
                var field = $"embeddings[{i}]";
                var entry = embeddings[i] ?? Fail<RunEmbedding>(field, "an object", "null");
                if (string.IsNullOrWhiteSpace(entry.Layer)) Fail(field + ".layer", "a layer name", Quote(entry.Layer));
                if (!RunEmbedding.Methods.Contains(entry.Method)) Fail(field + ".method", string.Join(", ", RunEmbedding.Methods), Quote(entry.Method));
                if (entry.Dims is not (2 or 3)) Fail(field + ".dims", "2 or 3", $"{entry.Dims}");
                var shape = Array(entry.Array, field + ".array");
                if (shape.Length != 2 || shape[1] != entry.Dims)
                    Fail(field + ".array", $"[N, {entry.Dims}]", $"'{entry.Array}' of shape [{string.Join(", ", shape)}]");
            }
            var networks = new HashSet<string>(StringComparer.Ordinal);
            var dynamics = Required(manifest.Dynamics, "dynamics");
            for (int i = 0; i < dynamics.Count; i++)
            {
                var field = $"dynamics[{i}]";
                var entry = dynamics[i] ?? Fail<RunDynamics>(field, "an object", "null");
                if (string.IsNullOrWhiteSpace(entry.Network)) Fail(field + ".network", "a network name", Quote(entry.Network));
                if (!networks.Add(entry.Network)) Fail(field + ".network", "a network named once", Quote(entry.Network));
                if (entry.File is null || !entry.File.EndsWith(".json", StringComparison.Ordinal)) Fail(field + ".file", "a .json file", Quote(entry.File));
                // The file's own reader checks its contents and names its fields.
                var read = TrainingDynamicsFile.Read(RunPaths.Resolve(folder, entry.File, file, field + ".file"));
                if (read.Network != entry.Network) Fail(field + ".network", $"the network of '{entry.File}' ({Quote(read.Network)})", Quote(entry.Network));
            }
            var unitLayers = new HashSet<string>(StringComparer.Ordinal);
            var units = Required(manifest.Units, "units");
            for (int i = 0; i < units.Count; i++) CheckUnits(units[i] ?? Fail<RunUnits>($"units[{i}]", "an object", "null"), $"units[{i}]", unitLayers);
            return manifest with { Arrays = withShapes };
        }

        private void CheckColumn(RunColumn? column, string field, HashSet<string> names)
        {
            if (column is null) { Fail(field, "an object", "null"); return; }
            if (string.IsNullOrWhiteSpace(column.Name)) Fail(field + ".name", "a name", Quote(column.Name));
            if (!names.Add(column.Name)) Fail(field + ".name", "a name used once", Quote(column.Name));
            switch (column.Kind)
            {
                case RunColumn.CategoryKind:
                    RequireRank(column.Array, field + ".array", 1);
                    if (column.Categories is null || column.Categories.Any(c => c is null)) Fail(field + ".categories", "a list of category names", "none");
                    break;
                case RunColumn.NumberKind:
                    RequireRank(column.Array, field + ".array", 1);
                    break;
                case RunColumn.TextKind:
                    CheckStrings(column.File, field + ".file");
                    break;
                default:
                    Fail(field + ".kind", "\"category\", \"number\" or \"text\"", Quote(column.Kind));
                    break;
            }
        }

        private void CheckInputs(RunInputs inputs)
        {
            switch (inputs.Kind)
            {
                case RunInputs.TextKind:
                    CheckStrings(inputs.File, "inputs.file");
                    if (inputs.Highlight is not null) CheckHighlights(inputs.Highlight, "inputs.highlight");
                    break;
                case RunInputs.ImageKind:
                    if (inputs.Width is not > 0) Fail("inputs.width", "a width in pixels", $"{inputs.Width}");
                    if (inputs.Height is not > 0) Fail("inputs.height", "a height in pixels", $"{inputs.Height}");
                    var image = Array(inputs.Array, "inputs.array");
                    long w = inputs.Width!.Value, h = inputs.Height!.Value;
                    if (!(image.Length == 2 && image[1] == w * h) && !(image.Length == 3 && image[1] == h && image[2] == w))
                        Fail("inputs.array", $"[N, {w * h}] or [N, {h}, {w}]", $"shape [{string.Join(", ", image)}]");
                    break;
                case RunInputs.SequenceKind:
                    var sequence = RequireRank(inputs.Array, "inputs.array", 3);
                    RequireRank(inputs.Lengths, "inputs.lengths", 1);
                    CheckNames(inputs.Names, sequence[2]);
                    break;
                case RunInputs.ValuesKind:
                    var values = RequireRank(inputs.Array, "inputs.array", 2);
                    CheckNames(inputs.Names, values[1]);
                    break;
                default:
                    Fail("inputs.kind", "\"text\", \"image\", \"sequence\" or \"values\"", Quote(inputs.Kind));
                    break;
            }
        }

        /// <summary>A relevance map is drawn over its point's input, so it must have one value per input element.</summary>
        private void CheckRelevance(RunRelevance relevance, RunInputs? inputs)
        {
            if (string.IsNullOrWhiteSpace(relevance.Method)) Fail("relevance.method", "the attribution method's name", Quote(relevance.Method));
            if (relevance.Target < 0) Fail("relevance.target", "a class index (0 or more)", $"{relevance.Target}");
            var shape = Array(relevance.Array, "relevance.array");
            var inputShape = inputs?.Array is { } array && _shapes.TryGetValue(array, out var found) ? found : null;
            if (RunRelevance.Mismatch(shape, inputs, inputShape) is { } expected)
                Fail("relevance.array", expected, $"'{relevance.Array}' of shape [{string.Join(", ", shape)}] with {Quote(inputs?.Kind)} inputs");
        }

        /// <summary>A units entry's files have the shapes <see cref="RunUnits.Mismatch"/> asks for, and every point
        /// they name is a run point (the page draws those points' inputs).</summary>
        private void CheckUnits(RunUnits entry, string field, HashSet<string> layers)
        {
            if (string.IsNullOrWhiteSpace(entry.Layer)) Fail(field + ".layer", "a layer name", Quote(entry.Layer));
            if (!layers.Add(entry.Layer)) Fail(field + ".layer", "a layer named once", Quote(entry.Layer));
            if (entry.Channels < 1) Fail(field + ".channels", "at least 1", $"{entry.Channels}");
            var top = UnitFile(entry.Top, field + ".top", read: true);
            (long[] Shape, NpyArray? Values)? maps = entry.Maps is null ? null : UnitFile(entry.Maps, field + ".maps", read: false);
            (long[] Shape, NpyArray? Values)? mapPoints = entry.MapPoints is null ? null : UnitFile(entry.MapPoints, field + ".mapPoints", read: true);
            (long[] Shape, NpyArray? Values)? synthesis = entry.Synthesis is null ? null : UnitFile(entry.Synthesis, field + ".synthesis", read: false);
            (long[] Shape, NpyArray? Values)? scores = entry.SynthesisScores is null ? null : UnitFile(entry.SynthesisScores, field + ".synthesisScores", read: false);
            if (entry.SynthesisObjective is not null && (entry.Synthesis is null || string.IsNullOrWhiteSpace(entry.SynthesisObjective)))
                Fail(field + ".synthesisObjective", "the objective in words, beside a synthesis file", Quote(entry.SynthesisObjective));
            if (RunUnits.Mismatch(entry.Channels, manifest.Inputs, top.Shape, maps?.Shape, mapPoints?.Shape, synthesis?.Shape, scores?.Shape) is { } bad)
                Fail($"{field}.{bad.Field}", bad.Expected, $"shape [{string.Join(", ", bad.Shape)}] with {Quote(manifest.Inputs?.Kind)} inputs");
            if (RunUnits.BadTopEntry(top.Values!.ToFloat32(), manifest.Points) is var entryIndex and >= 0)
                Fail($"{field}.top (entry {entryIndex})", $"a point from 0 to {manifest.Points - 1} (or -1 for none) and a patch size of 0 or more", $"something else in '{entry.Top}'");
            if (mapPoints is not null && RunUnits.BadMapPoint(mapPoints.Value.Values!.ToInt64(), manifest.Points) is var position and >= 0)
                Fail($"{field}.mapPoints (item {position})", $"ascending points from 0 to {manifest.Points - 1}", $"something else in '{entry.MapPoints}'");
        }

        private (long[] Shape, NpyArray? Values) UnitFile(string? relative, string field, bool read)
        {
            if (relative is null || !relative.EndsWith(".npy", StringComparison.Ordinal)) Fail(field, "an .npy file", Quote(relative));
            var path = RunPaths.Resolve(folder, relative, file, field);
            using var stream = RegularFile.OpenRead(path, file, field);
            if (!read) return (NpyReader.ReadHeader(stream, path).Shape, null);
            var array = NpyReader.Read(stream, path);
            return (array.Shape, array);
        }

        private void CheckNames(IReadOnlyList<string>? names, long features)
        {
            if (names is not null && names.Count != features) Fail("inputs.names", $"{features} names (one per feature)", $"{names.Count}");
        }

        private void CheckStrings(string? relative, string field)
        {
            var strings = ReadJson<List<string?>>(relative, field, "a JSON array of strings");
            if (strings.Count != manifest.Points) Fail(field, $"{manifest.Points} strings (one per point)", $"{strings.Count} in '{relative}'");
        }

        private void CheckHighlights(string relative, string field)
        {
            var spans = ReadJson<List<int[]?>>(relative, field, "a JSON array of [start, length] pairs");
            if (spans.Count != manifest.Points) Fail(field, $"{manifest.Points} pairs (one per point)", $"{spans.Count} in '{relative}'");
            if (spans.FindIndex(s => s is not { Length: 2 } || s[0] < 0 || s[1] < 0) is var bad and >= 0)
                Fail($"{field} ('{relative}' item {bad})", "a pair [start, length] of non-negative integers", "something else");
        }

        private T ReadJson<T>(string? relative, string field, string expected)
        {
            if (relative is null || !relative.EndsWith(".json", StringComparison.Ordinal)) Fail(field, "a .json file", Quote(relative));
            try
            {
                using var stream = RunPaths.OpenRead(folder, relative, file, field);
                return JsonSerializer.Deserialize<T>(stream, RunJson.Options) ?? Fail<T>(field, expected, $"null in '{relative}'");
            }
            catch (JsonException e)
            {
                return Fail<T>(field, expected, $"'{relative}': {e.Message}");
            }
        }

        private long[] RequireRank(string? array, string field, int rank)
        {
            var shape = Array(array, field);
            if (shape.Length != rank) Fail(field, $"an array with {rank} axes", $"'{array}' of shape [{string.Join(", ", shape)}]");
            return shape;
        }

        private long[] Array(string? array, string field) =>
            array is not null && _shapes.TryGetValue(array, out var shape)
                ? shape
                : Fail<long[]>(field, $"the name of an array ({string.Join(", ", _shapes.Keys)})", Quote(array));

        private T Required<T>(T? value, string field) where T : class => value ?? Fail<T>(field, "a value", "null");

        [DoesNotReturn]
        private void Fail(string field, string expected, string actual) => throw new DataFormatException(file, field, expected, actual);

        [DoesNotReturn]
        private T Fail<T>(string field, string expected, string actual) => throw new DataFormatException(file, field, expected, actual);

        private static string Quote(string? text) => text is null ? "nothing" : $"\"{text}\"";
    }
}
