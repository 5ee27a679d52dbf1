using LayerScope.Dynamics;
using static TorchSharp.torch;

namespace LayerScope.Training.Dynamics;

/// <summary>What a <see cref="TrainingDynamicsRecorder"/> records.</summary>
public sealed record TrainingDynamicsOptions
{
    /// <summary>Runs the model's forward pass on a fixed probe batch (the same examples every epoch); the recorder
    /// captures every layer's output during it for the activation histograms and the dead-unit count. Null records no
    /// activations. <see cref="ProbeInputs"/> builds one for a model of one tensor in, one tensor out.</summary>
    public Action<nn.Module>? Probe { get; init; }

    /// <summary>Take the probe batch to be the trainer's test set and capture the activations during the evaluation
    /// of it the trainer runs after every epoch anyway (<see cref="ITrainingObserver.TestPass"/>), instead of running
    /// the model on it a second time: the same examples, the same weights, evaluation mode, no gradients, at no
    /// extra forward pass (which would cost as much as the test evaluation itself: a sixth of an LSTM's epoch). For
    /// <see cref="Trainer"/> and <see cref="SequenceTrainer"/>; every test example is histogrammed, so prefer
    /// <see cref="Probe"/> with a subset where the test set is large. Not together with <see cref="Probe"/>.</summary>
    public bool ProbeTestSet { get; init; }

    /// <summary>Also record the loss, gradient norm and learning rate every this many steps; null for per epoch only.</summary>
    public int? StepInterval { get; init; }

    /// <summary>Record histograms (off leaves only the scalars: norms, ratios, unit activity).</summary>
    public bool Histograms { get; init; } = true;

    /// <summary>How histogram bins are chosen.</summary>
    public HistogramBinningOptions Binning { get; init; } = new();

    /// <summary>What the loss is, stored with the result for axis labels.</summary>
    public string LossName { get; init; } = "loss";

    /// <summary>A probe that calls the model on <paramref name="inputs"/> (kept by reference: do not
    /// dispose it before training ends).</summary>
    public static Action<nn.Module> ProbeInputs(Tensor inputs) =>
        model => ((nn.Module<Tensor, Tensor>)model).call(inputs).Dispose();

    /// <summary>Throws <see cref="Errors.InvalidSettingsException"/> listing every invalid setting.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (ProbeTestSet && Probe is not null) problems.Add("TrainingDynamicsOptions.ProbeTestSet and TrainingDynamicsOptions.Probe are both set; choose one probe batch: the trainer's test set or the one Probe runs.");
        if (StepInterval is < 1) problems.Add($"TrainingDynamicsOptions.StepInterval {StepInterval} is invalid; it must be at least 1, or null for per epoch only.");
        Errors.InvalidSettingsException.ThrowIfAny(problems);
        Binning.Validate();
    }
}
