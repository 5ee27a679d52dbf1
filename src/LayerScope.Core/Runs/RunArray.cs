using System.Text.Json.Serialization;

namespace LayerScope.Runs;

/// <summary>One array of a run: an .npy file of any numeric dtype whose first axis is the number of points.</summary>
/// <param name="File">The .npy file, relative to the run folder.</param>
public sealed record RunArray(string File)
{
    /// <summary>The array's shape, filled in by <see cref="RunManifestReader"/> from the file's header; not written
    /// into run.json (the file is the one source of truth).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<long>? Shape { get; init; }
}
