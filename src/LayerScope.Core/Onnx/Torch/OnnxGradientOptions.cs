using System.Globalization;

namespace LayerScope.Onnx.Torch;

/// <summary>What <see cref="OnnxGradients.Run"/> differentiates, over which rows, and where it writes.</summary>
public sealed record OnnxGradientOptions
{
    /// <summary>The default number of rows per forward and backward pass.</summary>
    public const int DefaultBatchSize = 64;

    /// <summary>The rows to differentiate at: one source per model input, each naming the input it feeds
    /// (<see cref="OnnxInputSource.InputName"/>) when the model has several; row i of every source is one example.</summary>
    public required IReadOnlyList<OnnxInputSource> Inputs { get; init; }

    /// <summary>The tensor whose entries are summed (or whose <see cref="Unit"/> is taken): a tensor name, node name
    /// or module scope, as <see cref="OnnxLayerTable.Resolve"/> reads them.</summary>
    public required string Of { get; init; }

    /// <summary>Differentiate entry <c>Unit</c> of <see cref="Of"/>'s last axis (summed over the other non-batch axes)
    /// instead of the sum of all its entries.</summary>
    public long? Unit { get; init; }

    /// <summary>The tensor to differentiate with respect to; null: the model's one floating-point input, or when it
    /// has none, the output of the one embedding lookup that reads its token ids (<see cref="OnnxEmbeddingLookup"/>).</summary>
    public string? Wrt { get; init; }

    /// <summary>The .npy file written: one gradient per input row, row axis first.</summary>
    public required string OutputPath { get; init; }

    /// <summary>Rows per pass. Results do not depend on it (rows of a batch do not interact); memory does. A model
    /// whose input fixes its batch size uses that instead.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>Every problem with these options, each naming the setting, the value and what is expected.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Inputs is not { Count: > 0 }) problems.Add("OnnxGradientOptions.Inputs: none given; pass the .npy file of input rows (one per model input).");
        if (string.IsNullOrWhiteSpace(Of)) problems.Add("OnnxGradientOptions.Of: empty; name the tensor, node or module scope to differentiate.");
        if (Wrt is not null && string.IsNullOrWhiteSpace(Wrt)) problems.Add("OnnxGradientOptions.Wrt: empty; name a tensor, node or module scope, or leave it unset for the input.");
        if (Unit is < 0) problems.Add(string.Create(CultureInfo.InvariantCulture, $"OnnxGradientOptions.Unit is {Unit}; expected 0 or more."));
        if (BatchSize < 1) problems.Add(string.Create(CultureInfo.InvariantCulture, $"OnnxGradientOptions.BatchSize is {BatchSize}; expected at least 1."));
        if (string.IsNullOrWhiteSpace(OutputPath)) problems.Add("OnnxGradientOptions.OutputPath: empty; name the .npy file to write.");
        else if (!Path.GetExtension(OutputPath).Equals(".npy", StringComparison.OrdinalIgnoreCase))
            problems.Add($"OnnxGradientOptions.OutputPath is {OutputPath}; expected an .npy file (one array of gradients).");
        return problems;
    }
}
