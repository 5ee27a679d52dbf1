namespace LayerScope.Workflows.TensorBoard;

/// <summary>What <see cref="TensorBoardExport"/> reads and writes.</summary>
public sealed record TensorBoardExportOptions
{
    /// <summary>A LayerScope run folder (run.json, and dynamics.json files of its networks).</summary>
    public required string RunDirectory { get; init; }

    /// <summary>The TensorBoard log folder to write (<c>tensorboard --logdir</c> it); replaced when it holds an earlier export.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Time stamp of the event files; now when null.</summary>
    public DateTimeOffset? WallTime { get; init; }

    /// <summary>Write the projector's files for the run's activations and embeddings.</summary>
    public bool Projector { get; init; } = true;

    /// <summary>Throws <see cref="Errors.InvalidSettingsException"/> listing every invalid setting.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(RunDirectory)) problems.Add("TensorBoardExportOptions.RunDirectory is empty; it must name a run folder.");
        if (string.IsNullOrWhiteSpace(OutputDirectory)) problems.Add("TensorBoardExportOptions.OutputDirectory is empty; it must name the folder to write.");
        else if (!string.IsNullOrWhiteSpace(RunDirectory) && Path.GetFullPath(OutputDirectory) == Path.GetFullPath(RunDirectory))
            problems.Add("TensorBoardExportOptions.OutputDirectory is the run folder itself; it must be another folder.");
        Errors.InvalidSettingsException.ThrowIfAny(problems);
    }
}

/// <summary>What an export wrote.</summary>
/// <param name="OutputDirectory">The log folder.</param>
/// <param name="EventFiles">Every event file, relative to the folder.</param>
/// <param name="Networks">The TensorBoard runs made from dynamics files (one per network).</param>
/// <param name="ProjectorTensors">Tensors in the projector's config.</param>
/// <param name="Sprite">Whether a sprite image was written (image inputs only).</param>
public sealed record TensorBoardExportResult(string OutputDirectory, IReadOnlyList<string> EventFiles, IReadOnlyList<string> Networks,
    int ProjectorTensors, bool Sprite);
