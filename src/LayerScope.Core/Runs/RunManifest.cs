using System.Text.Json.Serialization;

namespace LayerScope.Runs;

/// <summary>
/// The contents of a run folder's <c>run.json</c> (docs/viewer.md): what was captured, for how many points, and which
/// files hold the arrays, per-point columns, inputs, activations and embeddings. File paths are relative to the run
/// folder. Write one with <see cref="RunManifestWriter"/>; read and validate one with <see cref="RunManifestReader"/>.
/// </summary>
public sealed record RunManifest
{
    /// <summary>The value of <see cref="Format"/> in every manifest.</summary>
    public const string FormatName = "layerscope-run";

    /// <summary>The manifest version this library writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The name of the manifest file inside a run folder.</summary>
    public const string FileName = "run.json";

    /// <summary>Always <see cref="FormatName"/>: tells a run.json from any other JSON file.</summary>
    public string Format { get; init; } = FormatName;

    /// <summary>The manifest version (<see cref="CurrentVersion"/>).</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>A title for people, e.g. "Banknote authentication: MLP 4→2→1".</summary>
    public required string Title { get; init; }

    /// <summary>What wrote the run, e.g. "layerscope demo banknote".</summary>
    public required string Source { get; init; }

    /// <summary>When the run was written (UTC).</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>The number of points N; every array's first axis is N.</summary>
    public required int Points { get; init; }

    /// <summary>The arrays by name.</summary>
    public IReadOnlyDictionary<string, RunArray> Arrays { get; init; } = new Dictionary<string, RunArray>();

    /// <summary>Per-point metadata for coloring and search.</summary>
    public IReadOnlyList<RunColumn> Columns { get; init; } = [];

    /// <summary>What hovering a point shows; null when the run has no inputs.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RunInputs? Inputs { get; init; }

    /// <summary>Per point, which input elements drove the model's score of one class; null when the run has none.
    /// Needs image, values or sequence inputs of the same size.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RunRelevance? Relevance { get; init; }

    /// <summary>The layers whose activations or embeddings the run holds.</summary>
    public IReadOnlyList<RunLayer> Layers { get; init; } = [];

    /// <summary>High-dimensional activations, [N, U] or [N, T, U].</summary>
    public IReadOnlyList<RunActivations> Activations { get; init; } = [];

    /// <summary>2-D or 3-D coordinates, [N, dims].</summary>
    public IReadOnlyList<RunEmbedding> Embeddings { get; init; } = [];

    /// <summary>Training dynamics, one per network trained (absent in runs written before they existed: empty).</summary>
    public IReadOnlyList<RunDynamics> Dynamics { get; init; } = [];

    /// <summary>Conv layers' channels for the units view (absent in runs written before they existed: empty).</summary>
    public IReadOnlyList<RunUnits> Units { get; init; } = [];

    /// <summary>Whether <paramref name="name"/> may name an array: letters, digits, '.', '_' and '-' only, since the
    /// name is a URL path segment of the viewer's API (<c>/api/runs/{id}/arrays/{name}</c>) and the server refuses
    /// encoded separators.</summary>
    public static bool IsArrayName(string name) =>
        !string.IsNullOrEmpty(name) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') && name is not "." and not "..";

    /// <summary>A valid array name made from any text: other characters become '-'.</summary>
    public static string ToArrayName(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var name = new string(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray());
        return IsArrayName(name) ? name : "array-" + name;
    }
}
