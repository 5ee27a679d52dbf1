using LayerScope.Errors;

namespace LayerScope.Training;

/// <summary>Settings of <see cref="CharRnnTrainer"/>: truncated back-propagation through time over parallel streams of
/// the text, as in Karpathy's char-rnn.</summary>
public sealed record CharRnnTrainingOptions
{
    /// <summary>Optimisation steps at most.</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>Stop after this long even when <see cref="Steps"/> are not done; null for no limit. A time limit makes
    /// runs on machines of different speed differ.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Parallel streams: the text is cut into this many equal parts, each read front to back.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Characters per step and stream; gradients flow back this far, the state is carried further.</summary>
    public int SequenceLength { get; init; } = 100;

    /// <summary>Adam's step size.</summary>
    public double LearningRate { get; init; } = 0.002;

    /// <summary>Gradients are rescaled to at most this norm.</summary>
    public double GradientClip { get; init; } = 5.0;

    /// <summary>Seeds the weight initialisation done by the caller and anything random here.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Throws <see cref="InvalidSettingsException"/> listing every setting out of range.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (Steps < 1) problems.Add($"Steps must be at least 1; it is {Steps}.");
        if (BatchSize < 1) problems.Add($"BatchSize must be at least 1; it is {BatchSize}.");
        if (SequenceLength < 2) problems.Add($"SequenceLength must be at least 2; it is {SequenceLength}.");
        if (!(LearningRate > 0)) problems.Add($"LearningRate must be positive; it is {LearningRate}.");
        if (!(GradientClip > 0)) problems.Add($"GradientClip must be positive; it is {GradientClip}.");
        if (TimeLimit is { } limit && limit <= TimeSpan.Zero) problems.Add($"TimeLimit must be positive; it is {limit}.");
        InvalidSettingsException.ThrowIfAny(problems);
    }
}
