using System.Text.Json.Serialization;

namespace LayerScope.Runs;

/// <summary>
/// Per-point metadata: a <c>category</c> column holds integer codes into <see cref="Categories"/> (−1 or out of range:
/// missing), a <c>number</c> column any numeric array, a <c>text</c> column a JSON file of N strings.
/// </summary>
public sealed record RunColumn
{
    /// <summary>The kind of a column of integer codes into <see cref="Categories"/>.</summary>
    public const string CategoryKind = "category";

    /// <summary>The kind of a column of numbers.</summary>
    public const string NumberKind = "number";

    /// <summary>The kind of a column of strings, stored in a JSON file.</summary>
    public const string TextKind = "text";

    /// <summary>The column's name, shown in the viewer and used as its key.</summary>
    public required string Name { get; init; }

    /// <summary><see cref="CategoryKind"/>, <see cref="NumberKind"/> or <see cref="TextKind"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The array holding the values (category and number columns).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Array { get; init; }

    /// <summary>The JSON file of N strings (text columns), relative to the run folder.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? File { get; init; }

    /// <summary>The category names, indexed by code (category columns).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Categories { get; init; }
}
