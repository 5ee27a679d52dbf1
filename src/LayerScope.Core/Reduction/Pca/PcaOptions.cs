namespace LayerScope.Reduction.Pca;

/// <summary>Settings of <see cref="PcaReducer.Fit"/>. Defaults are defined here once.</summary>
public sealed record PcaOptions
{
    /// <summary>The number of components to keep.</summary>
    public int Components { get; init; } = 50;

    /// <summary>Scale each component's scores to unit variance.</summary>
    public bool Whiten { get; init; }

    /// <summary>Exact or randomized; <see cref="PcaMethod.Auto"/> chooses by the number of columns.</summary>
    public PcaMethod Method { get; init; } = PcaMethod.Auto;

    /// <summary>Extra random directions of the randomized method (Halko et al.'s p).</summary>
    public int Oversampling { get; init; } = 10;

    /// <summary>Power iterations of the randomized method (Halko et al.'s q); more sharpen a slowly decaying
    /// spectrum.</summary>
    public int PowerIterations { get; init; } = 4;

    /// <summary>Seed of the randomized method's test matrix.</summary>
    public int Seed { get; init; }

    /// <summary>Threads for libtorch and parallel loops; 0 uses every core.</summary>
    public int Threads { get; init; }

    /// <summary>Every problem with these settings for a <paramref name="rows"/> × <paramref name="columns"/> matrix,
    /// each naming the setting, the value and what is expected; empty when the settings are valid.</summary>
    public IReadOnlyList<string> Validate(int rows, int columns)
    {
        var problems = new List<string>();
        if (rows < 2) problems.Add($"PCA needs at least 2 points; {rows} were given.");
        if (Components < 1)
            problems.Add($"components {Components} must be at least 1.");
        else if (rows >= 2 && Components > Math.Min(rows, columns))
            problems.Add($"components {Components} is too large for a {rows} × {columns} matrix; it must be at most min(rows, columns) = {Math.Min(rows, columns)}.");
        if (Oversampling < 0) problems.Add($"oversampling {Oversampling} must not be negative.");
        if (PowerIterations < 0) problems.Add($"power iterations {PowerIterations} must not be negative.");
        if (Threads < 0) problems.Add($"threads {Threads} must not be negative (0 uses every core).");
        return problems;
    }
}
