namespace LayerScope.Capture;

/// <summary>How <see cref="ActivationCapture"/> runs a data set through a model.</summary>
public sealed record CaptureOptions
{
    /// <summary>Examples per forward pass. Larger is faster until memory runs short.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Stop each forward pass as soon as every requested layer has produced its output, skipping the rest
    /// of the network (its outputs are not needed). Turn off for models whose later layers have side effects.</summary>
    public bool StopEarly { get; init; } = true;

    /// <summary>Throws <see cref="Errors.InvalidSettingsException"/> listing every invalid setting.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (BatchSize < 1) problems.Add($"batch size {BatchSize} is invalid; it must be at least 1.");
        Errors.InvalidSettingsException.ThrowIfAny(problems);
    }
}
