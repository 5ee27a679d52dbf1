namespace LayerScope.Cli.Demos;

/// <summary>Settings of <c>layerscope demo charrnn</c> (and of <c>layerscope demo</c>, which runs it on LayerScope's own
/// source); the command-line defaults are these defaults.</summary>
public sealed record CharRnnDemoOptions : IDemoSettings<CharRnnDemoOptions>
{
    /// <summary>The text to train on (--text); null means LayerScope's own C# source, embedded in the tool.</summary>
    public string? TextFile { get; init; }

    /// <summary>Where the report, figures, metrics and arrays go.</summary>
    public string OutputDirectory { get; init; } = Path.Combine("layerscope-out", "charrnn");

    /// <summary>Seeds the weights, the sampling and everything else random: equal seeds give equal results (unless
    /// <see cref="TimeLimit"/> cuts training at a different step).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Training steps at most.</summary>
    public int Steps { get; init; } = 3000;

    /// <summary>Training stops after this long even when <see cref="Steps"/> are not done, so the demo finishes in a
    /// few minutes on a small machine; null for no limit.</summary>
    public TimeSpan? TimeLimit { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Cells per LSTM layer.</summary>
    public int HiddenSize { get; init; } = 128;

    /// <summary>Stacked LSTM layers.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Parallel streams per step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Characters per stream and step (the back-propagation horizon).</summary>
    public int SequenceLength { get; init; } = 64;

    /// <summary>Adam's step size.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>At most this many distinct characters; rarer ones share an "unknown" index.</summary>
    public int MaxVocabulary { get; init; } = 100;

    /// <summary>Share of the text held out: not trained on; the captured passage comes from it.</summary>
    public double HeldOutFraction { get; init; } = 0.1;

    /// <summary>Characters of held-out text captured character by character and shown in the text views.</summary>
    public int PassageLength { get; init; } = 3000;

    /// <summary>Characters generated per sampling temperature.</summary>
    public int SampleLength { get; init; } = 400;

    /// <summary>Sampling temperatures; one sample each.</summary>
    public IReadOnlyList<double> Temperatures { get; init; } = [0.5, 0.8, 1.0];

    /// <summary>Cells listed per context feature.</summary>
    public int TopCells { get; init; } = 5;

    /// <summary>Also write the run's training dynamics and embeddings as a TensorBoard log folder here (--tensorboard); none when null.</summary>
    public string? TensorBoardDirectory { get; init; }

    DemoSharedSettings IDemoSettings<CharRnnDemoOptions>.Shared => new(null, OutputDirectory, Seed, null, ReadsData: false) { TensorBoardDirectory = TensorBoardDirectory };

    CharRnnDemoOptions IDemoSettings<CharRnnDemoOptions>.WithShared(DemoSharedSettings settings) => this with { TensorBoardDirectory = settings.TensorBoardDirectory, OutputDirectory = settings.OutputDirectory, Seed = settings.Seed };
}
