namespace LayerScope.Dynamics;

/// <summary>
/// One layer (a module that owns parameters, or whose output is recorded) over training. Lists indexed by checkpoint
/// follow <see cref="TrainingDynamics.Checkpoints"/>; NaN marks a value that does not apply (no parameters).
/// </summary>
public sealed record LayerDynamics
{
    /// <summary>The module's name from <c>named_modules()</c> ("fc1", "relu1").</summary>
    public required string Name { get; init; }

    /// <summary>The module's type ("Linear", "ReLU").</summary>
    public required string ModuleType { get; init; }

    /// <summary>Histograms of the layer: weights, biases, their gradients and activations, as they apply.</summary>
    public IReadOnlyList<HistogramSeries> Histograms { get; init; } = [];

    /// <summary>Per checkpoint, the L2 norm of the gradients of the layer's parameters at the epoch's last step,
    /// before clipping.</summary>
    public IReadOnlyList<double> GradientNorms { get; init; } = [];

    /// <summary>Per checkpoint, ‖W after − W before‖ / ‖W before‖ over the layer's parameters for the epoch's last
    /// step: the size of an update relative to the weights (about 1e-3 is the usual healthy order).</summary>
    public IReadOnlyList<double> UpdateRatios { get; init; } = [];

    /// <summary>For a ReLU-family layer, per checkpoint and unit, the fraction of probe examples on which the unit is
    /// positive; a unit at 0 never fires (dead). Empty for other layers or without a probe batch.</summary>
    public IReadOnlyList<IReadOnlyList<double>> UnitActivity { get; init; } = [];

    /// <summary>The series of <paramref name="kind"/>, or null when the layer has none.</summary>
    public HistogramSeries? Series(HistogramKind kind) => Histograms.FirstOrDefault(h => h.Kind == kind);
}

/// <summary>What a <c>TrainingDynamicsRecorder</c> saw: every checkpoint, the sampled steps, every layer.</summary>
public sealed record TrainingDynamics
{
    /// <summary>The network's name.</summary>
    public required string Network { get; init; }

    /// <summary>What the loss is ("binary cross-entropy"), for axis labels.</summary>
    public string LossName { get; init; } = "loss";

    /// <summary>One per epoch.</summary>
    public IReadOnlyList<DynamicsCheckpoint> Checkpoints { get; init; } = [];

    /// <summary>Every <c>StepInterval</c>-th step; empty when not asked for.</summary>
    public IReadOnlyList<StepScalars> Steps { get; init; } = [];

    /// <summary>Per checkpoint, the L2 norm of all gradients together at the epoch's last step.</summary>
    public IReadOnlyList<double> GradientNorms { get; init; } = [];

    /// <summary>The layers, in the model's module order.</summary>
    public IReadOnlyList<LayerDynamics> Layers { get; init; } = [];
}
