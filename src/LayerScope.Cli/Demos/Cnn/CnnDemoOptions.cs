using LayerScope.Units;
namespace LayerScope.Cli.Demos;

/// <summary>Settings of <c>layerscope demo cnn</c>; the command-line defaults are these defaults.</summary>
public sealed record CnnDemoOptions : IDemoSettings<CnnDemoOptions>
{
    /// <summary>The data folder (--data); null means LAYERSCOPE_DATA, else the per-user cache.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Where the report, figures, metrics and the viewer run go.</summary>
    public string OutputDirectory { get; init; } = Path.Combine("layerscope-out", "cnn");

    /// <summary>Seeds the weights, the shuffling and the synthesis: equal seeds give equal results.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Passes over the training images (three reach about 0.90 test accuracy).</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Images per optimisation step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam's step size.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Use only the first this many training images (null: all 60,000); for quick runs and tests.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Use only the first this many test images (null: all 10,000); for quick runs and tests.</summary>
    public int? TestLimit { get; init; }

    /// <summary>The convolutional layers whose channels are shown (after their ReLU, so activations are ≥ 0).</summary>
    public IReadOnlyList<string> Layers { get; init; } = ["relu1", "relu2"];

    /// <summary>The layer reduced with t-SNE: the 128-unit layer before the logits.</summary>
    public string PenultimateLayer { get; init; } = "relu3";

    /// <summary>Test images whose feature maps are drawn.</summary>
    public IReadOnlyList<int> FeatureMapImages { get; init; } = [0, 1, 2];

    /// <summary>Test images of the training-dynamics probe batch: their activations are histogrammed and their ReLU
    /// units checked for dead ones after every epoch.</summary>
    public int ProbeImages { get; init; } = 256;

    /// <summary>Gradient-ascent steps per synthesized image.</summary>
    public int SynthesisSteps { get; init; } = 128;

    /// <summary>What each channel's synthesized image raises: its centre unit (the default, as the Deep Visualization
    /// Toolbox shows) or its mean over positions (--synthesis-objective).</summary>
    public SynthesisObjective SynthesisObjective { get; init; } = SynthesisObjective.Unit;

    /// <summary>Every problem with these settings, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        const string name = nameof(CnnDemoOptions);
        var problems = new List<string>();
        if (Epochs < 1) problems.Add($"{name}.{nameof(Epochs)} is {Epochs}; it must be at least 1.");
        if (BatchSize < 1) problems.Add($"{name}.{nameof(BatchSize)} is {BatchSize}; it must be at least 1.");
        if (!(LearningRate > 0)) problems.Add($"{name}.{nameof(LearningRate)} is {LearningRate}; it must be positive.");
        if (TrainLimit is < 1) problems.Add($"{name}.{nameof(TrainLimit)} is {TrainLimit}; it must be at least 1.");
        if (TestLimit is < 10) problems.Add($"{name}.{nameof(TestLimit)} is {TestLimit}; t-SNE needs at least 10 test images.");
        if (ProbeImages < 1) problems.Add($"{name}.{nameof(ProbeImages)} is {ProbeImages}; it must be at least 1.");
        if (SynthesisSteps < 1) problems.Add($"{name}.{nameof(SynthesisSteps)} is {SynthesisSteps}; it must be at least 1.");
        if (!Enum.IsDefined(SynthesisObjective)) problems.Add($"{name}.{nameof(SynthesisObjective)} is {(int)SynthesisObjective}; it must be {nameof(SynthesisObjective.Unit)} or {nameof(SynthesisObjective.ChannelMean)}.");
        if (Layers.Count == 0) problems.Add($"{name}.{nameof(Layers)} is empty.");
        if (FeatureMapImages.Any(i => i < 0 || (TestLimit is { } limit && i >= limit)))
            problems.Add($"{name}.{nameof(FeatureMapImages)} holds an index outside the test images.");
        return problems;
    }

    /// <summary>Also write the run's training dynamics and embeddings as a TensorBoard log folder here (--tensorboard); none when null.</summary>
    public string? TensorBoardDirectory { get; init; }

    DemoSharedSettings IDemoSettings<CnnDemoOptions>.Shared => new(DataDirectory, OutputDirectory, Seed, Epochs) { TensorBoardDirectory = TensorBoardDirectory };

    CnnDemoOptions IDemoSettings<CnnDemoOptions>.WithShared(DemoSharedSettings settings) => this with { TensorBoardDirectory = settings.TensorBoardDirectory, DataDirectory = settings.DataDirectory, OutputDirectory = settings.OutputDirectory, Seed = settings.Seed, Epochs = settings.Epochs ?? Epochs };
}
