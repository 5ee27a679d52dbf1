using LayerScope.Errors;

namespace LayerScope.Cli.Demos;

/// <summary>Settings of <c>layerscope demo imdb</c>; the command-line defaults are these defaults (Keras' IMDB
/// bidirectional-LSTM example).</summary>
public sealed record ImdbDemoOptions : IDemoSettings<ImdbDemoOptions>
{
    /// <summary>The data folder (--data); null means LAYERSCOPE_DATA, else the per-user cache.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Where the report, figures, metrics and the viewer's run go.</summary>
    public string OutputDirectory { get; init; } = Path.Combine("layerscope-out", "imdb");

    /// <summary>Word indices kept, reserved ones included (Keras' max_features): the embedding's rows.</summary>
    public int MaxFeatures { get; init; } = 20_000;

    /// <summary>Words per review after pre-truncation and pre-padding (Keras' maxlen).</summary>
    public int MaxLength { get; init; } = 100;

    /// <summary>Training epochs; the BiLSTM layer is captured for the test reviews after each.</summary>
    public int Epochs { get; init; } = 4;

    /// <summary>Reviews per optimisation step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Seeds the subsets, the validation split, the weights, the shuffling and the reductions.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Adam's step size (Keras' default).</summary>
    public double LearningRate { get; init; } = 0.001;

    /// <summary>Share of the training reviews held out (per class) for validation, as the example's validation_split.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Dimensions of each word vector.</summary>
    public int EmbeddingSize { get; init; } = 128;

    /// <summary>LSTM units per direction: the captured layer has twice as many features.</summary>
    public int Units { get; init; } = 64;

    /// <summary>Train on a class-balanced random subset of this many training reviews; null for all 25,000.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Evaluate, capture and plot a class-balanced random subset of this many test reviews; null for all 25,000.</summary>
    public int? TestLimit { get; init; }

    /// <summary>Principal components kept before t-SNE (the curve shows how much of the variance they hold).</summary>
    public int PcaComponents { get; init; } = 20;

    /// <summary>Keep the weights of the epoch with the best validation accuracy rather than the last epoch's (Keras'
    /// restore_best_weights): the network overfits after an epoch or two, and the 20 % held out exist to choose.</summary>
    public bool RestoreBestEpoch { get; init; } = true;

    /// <summary>How many of the most confidently wrong test reviews the report shows.</summary>
    public int Mistakes { get; init; } = 10;

    /// <summary>Throws <see cref="InvalidSettingsException"/> listing every invalid setting.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (MaxFeatures < 5) problems.Add($"max features {MaxFeatures} is invalid; it must be at least 5 (indices 0 to 3 are reserved), such as 20000.");
        if (MaxLength < 1) problems.Add($"max length {MaxLength} is invalid; it must be at least 1 word, such as 100.");
        if (Epochs < 1) problems.Add($"epochs {Epochs} is invalid; it must be at least 1.");
        if (BatchSize < 1) problems.Add($"batch size {BatchSize} is invalid; it must be at least 1.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) problems.Add($"learning rate {LearningRate} is invalid; it must be a positive number such as 0.001.");
        if (!(ValidationFraction > 0 && ValidationFraction < 1)) problems.Add($"validation fraction {ValidationFraction} is invalid; it must lie between 0 and 1, such as 0.2.");
        if (EmbeddingSize < 1 || Units < 1) problems.Add($"embedding size {EmbeddingSize} and units {Units} must both be at least 1.");
        if (TrainLimit is < 10) problems.Add($"train limit {TrainLimit} is invalid; it must be at least 10 reviews (both classes, training and validation).");
        if (TestLimit is < 10) problems.Add($"test limit {TestLimit} is invalid; it must be at least 10 reviews.");
        if (PcaComponents < 2) problems.Add($"PCA components {PcaComponents} is invalid; it must be at least 2.");
        if (Mistakes < 0) problems.Add($"mistakes {Mistakes} is invalid; it must not be negative.");
        InvalidSettingsException.ThrowIfAny(problems);
    }

    /// <summary>Also write the run's training dynamics and embeddings as a TensorBoard log folder here (--tensorboard); none when null.</summary>
    public string? TensorBoardDirectory { get; init; }

    DemoSharedSettings IDemoSettings<ImdbDemoOptions>.Shared => new(DataDirectory, OutputDirectory, Seed, Epochs) { TensorBoardDirectory = TensorBoardDirectory };

    ImdbDemoOptions IDemoSettings<ImdbDemoOptions>.WithShared(DemoSharedSettings settings) => this with { TensorBoardDirectory = settings.TensorBoardDirectory, DataDirectory = settings.DataDirectory, OutputDirectory = settings.OutputDirectory, Seed = settings.Seed, Epochs = settings.Epochs ?? Epochs };
}
