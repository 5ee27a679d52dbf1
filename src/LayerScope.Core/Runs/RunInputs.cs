using System.Text.Json.Serialization;

namespace LayerScope.Runs;

/// <summary>
/// What hovering a point shows: <c>text</c> (a JSON file of N strings, optionally N highlight pairs [start, length]),
/// <c>image</c> (an [N, H·W] or [N, H, W] array of grey levels), <c>sequence</c> (an [N, T, F] array padded after each
/// point's length) or <c>values</c> (an [N, F] array of input features).
/// </summary>
public sealed record RunInputs
{
    /// <summary>Inputs that are strings.</summary>
    public const string TextKind = "text";

    /// <summary>Inputs that are grey-level images.</summary>
    public const string ImageKind = "image";

    /// <summary>Inputs that are variable-length sequences of feature vectors.</summary>
    public const string SequenceKind = "sequence";

    /// <summary>Inputs that are feature vectors.</summary>
    public const string ValuesKind = "values";

    /// <summary><see cref="TextKind"/>, <see cref="ImageKind"/>, <see cref="SequenceKind"/> or <see cref="ValuesKind"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>Text: the JSON file of N strings.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? File { get; init; }

    /// <summary>Text: an optional JSON file of N pairs [start, length] marking the span each point stands for.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Highlight { get; init; }

    /// <summary>Image, sequence and values: the array of inputs.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Array { get; init; }

    /// <summary>Image: the width in pixels.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Width { get; init; }

    /// <summary>Image: the height in pixels.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Height { get; init; }

    /// <summary>Sequence: the [N] array of each point's length.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Lengths { get; init; }

    /// <summary>Sequence and values: the feature names.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Names { get; init; }
}
