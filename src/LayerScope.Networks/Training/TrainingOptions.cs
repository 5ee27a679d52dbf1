namespace LayerScope.Training;

/// <summary>How <see cref="Trainer"/> fits a classifier: Adam on mini-batches, shuffled each epoch.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Examples per optimisation step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's step size.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Seeds the weight initialisation (set by the caller before building the model) and the shuffling.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>What the model outputs and which loss fits it.</summary>
    public ClassificationObjective Objective { get; init; } = ClassificationObjective.Binary;

    /// <summary>After the last epoch, put back the weights of the epoch with the best held-out accuracy (the first such
    /// epoch on ties), as Keras' <c>EarlyStopping(restore_best_weights=True)</c> does; the per-epoch reports and
    /// callbacks are unchanged. The held-out set then chooses the model, so it must not be the test set.</summary>
    public bool RestoreBestEpoch { get; init; }

    /// <summary>Throws <see cref="Errors.InvalidSettingsException"/> listing every invalid setting.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (Epochs < 1) problems.Add($"epochs {Epochs} is invalid; it must be at least 1.");
        if (BatchSize < 1) problems.Add($"batch size {BatchSize} is invalid; it must be at least 1.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) problems.Add($"learning rate {LearningRate} is invalid; it must be a positive number such as 0.01.");
        Errors.InvalidSettingsException.ThrowIfAny(problems);
    }
}

/// <summary>The kind of classifier being trained.</summary>
public enum ClassificationObjective
{
    /// <summary>The model outputs one probability per example ([N, 1], after a sigmoid); binary cross-entropy loss;
    /// class 1 when the probability is at least 0.5.</summary>
    Binary,

    /// <summary>The model outputs one score (logit) per class ([N, C]); cross-entropy loss; the class with the highest score.</summary>
    Multiclass,
}
