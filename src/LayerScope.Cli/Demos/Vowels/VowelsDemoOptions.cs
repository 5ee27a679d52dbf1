using LayerScope.Errors;

namespace LayerScope.Cli.Demos;

/// <summary>Settings of <c>layerscope demo vowels</c>; the command-line defaults are these defaults.</summary>
public sealed record VowelsDemoOptions : IDemoSettings<VowelsDemoOptions>
{
    /// <summary>The data folder (--data); null means LAYERSCOPE_DATA, else the per-user cache.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Where the report, figures, metrics and arrays go.</summary>
    public string OutputDirectory { get; init; } = Path.Combine("layerscope-out", "vowels");

    /// <summary>Seeds the weight initialisation and the batch order: equal seeds give equal results.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Passes over the 270 training sequences.</summary>
    public int Epochs { get; init; } = 12;

    /// <summary>Adam's step size.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Sequences per optimisation step (MATLAB's example uses 27: ten batches per epoch).</summary>
    public int BatchSize { get; init; } = 27;

    /// <summary>Hidden (and cell) units of the LSTM.</summary>
    public int HiddenUnits { get; init; } = 100;

    /// <summary>The test sequence drawn in the feature and state figures: its row (0-based) in the test set and in
    /// hidden-states.npy.</summary>
    public int Observation { get; init; }

    /// <summary>The hidden units (0-based) of the smaller heatmaps; the first ten by default.</summary>
    public IReadOnlyList<int> Units { get; init; } = [.. Enumerable.Range(0, 10)];

    /// <summary>Throws <see cref="InvalidSettingsException"/> listing every invalid setting;
    /// <paramref name="testSequences"/> bounds <see cref="Observation"/>.</summary>
    public void Validate(int testSequences)
    {
        var problems = new List<string>();
        if (Observation < 0 || Observation >= testSequences)
            problems.Add($"observation {Observation} is invalid; it must be a test sequence between 0 and {testSequences - 1}.");
        if (HiddenUnits < 1) problems.Add($"hidden units {HiddenUnits} is invalid; it must be at least 1.");
        if (Units.Count == 0) problems.Add("units is empty; give at least one hidden unit to draw.");
        foreach (var unit in Units.Where(u => u < 0 || u >= HiddenUnits).Distinct())
            problems.Add($"unit {unit} is invalid; units are 0 to {HiddenUnits - 1}.");
        InvalidSettingsException.ThrowIfAny(problems);
    }

    /// <summary>Also write the run's training dynamics and embeddings as a TensorBoard log folder here (--tensorboard); none when null.</summary>
    public string? TensorBoardDirectory { get; init; }

    DemoSharedSettings IDemoSettings<VowelsDemoOptions>.Shared => new(DataDirectory, OutputDirectory, Seed, Epochs) { TensorBoardDirectory = TensorBoardDirectory };

    VowelsDemoOptions IDemoSettings<VowelsDemoOptions>.WithShared(DemoSharedSettings settings) => this with { TensorBoardDirectory = settings.TensorBoardDirectory, DataDirectory = settings.DataDirectory, OutputDirectory = settings.OutputDirectory, Seed = settings.Seed, Epochs = settings.Epochs ?? Epochs };
}
