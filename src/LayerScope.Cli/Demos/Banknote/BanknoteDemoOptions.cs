namespace LayerScope.Cli.Demos;

/// <summary>Settings of <c>layerscope demo banknote</c>; the command-line defaults are these defaults.</summary>
public sealed record BanknoteDemoOptions : IDemoSettings<BanknoteDemoOptions>
{
    /// <summary>The data folder (--data); null means LAYERSCOPE_DATA, else the per-user cache.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Where the report, figures, metrics and arrays go.</summary>
    public string OutputDirectory { get; init; } = Path.Combine("layerscope-out", "banknote");

    /// <summary>Seeds the split, the weight initialisation and the shuffling: equal seeds give equal results.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Training epochs per network; the hidden layer is drawn after each.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Share of the examples held out for testing.</summary>
    public double TestFraction { get; init; } = 0.3;

    /// <summary>Adam's step size.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Examples per optimisation step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Also write the run's training dynamics and embeddings as a TensorBoard log folder here (--tensorboard); none when null.</summary>
    public string? TensorBoardDirectory { get; init; }

    /// <summary>Hidden-layer widths of each network trained; each ends in a 2-unit layer that is plotted directly.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Networks { get; init; } = [[2], [3, 2]];

    DemoSharedSettings IDemoSettings<BanknoteDemoOptions>.Shared => new(DataDirectory, OutputDirectory, Seed, Epochs) { TensorBoardDirectory = TensorBoardDirectory };

    BanknoteDemoOptions IDemoSettings<BanknoteDemoOptions>.WithShared(DemoSharedSettings settings) => this with { TensorBoardDirectory = settings.TensorBoardDirectory, DataDirectory = settings.DataDirectory, OutputDirectory = settings.OutputDirectory, Seed = settings.Seed, Epochs = settings.Epochs ?? Epochs };
}
