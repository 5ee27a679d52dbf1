using LayerScope.Arrays;
using LayerScope.Capture;
using LayerScope.Dynamics;
using LayerScope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Training.Dynamics;

/// <summary>
/// Records how a network changes while it trains: per epoch, every layer's histograms of weights, biases, their
/// gradients (at the epoch's last step) and its activations on a fixed probe batch, the gradient norm and the
/// update-to-weight ratio per layer, the fraction of probe examples each ReLU unit fires on, the loss, accuracy and
/// learning rate; optionally the loss and gradient norm every N steps. Values are copied out of libtorch and counted
/// into bins comparable across epochs (<see cref="HistogramBinning"/>); no tensor is kept.
/// </summary>
/// <remarks>
/// <para>Work happens only at observed steps (an epoch's last, every <see cref="TrainingDynamicsOptions.StepInterval"/>-th)
/// and after each epoch, so the other steps cost one comparison.</para>
/// <para>Activations are those of every leaf module <see cref="ActivationCapture"/> can hook: modules of one tensor in
/// and out, and recurrent layers (LSTM, GRU, RNN) called on a tensor, whose histogram counts h_t at every time step of
/// the probe batch (padding included where the model reads it, as a pre-padded IMDB review). Recurrent layers that an
/// <see cref="ISequenceClassifier"/> runs on a packed batch fire no hook; with
/// <see cref="TrainingDynamicsOptions.ProbeTestSet"/> the model shows the recorder their packed output during the test
/// pass (<see cref="ISequenceClassifier.Classify(Tensor, Tensor, Action{string, Tensor})"/>): h_t over the valid
/// (unpadded) steps only, at the cost of a copy. Their cell states c_t are not recorded: libtorch returns only the
/// last, and stepping the LSTM for every c_t (<see cref="LstmStepper"/>) cost 60 ms per vowels epoch, 1.7 times the
/// epoch's training. Unit activity (dead
/// units) is recorded for ReLU-family layers only: "never positive" means dead only for a ReLU; a tanh or sigmoid
/// output is almost never exactly zero, and an LSTM unit near zero everywhere is small, not dead.</para>
/// </remarks>
public sealed class TrainingDynamicsRecorder : ITrainingObserver
{
    private readonly TrainingDynamicsOptions _options;
    private readonly string _network;
    private nn.Module? _model;
    private readonly List<LayerState> _layers = [];
    private readonly List<DynamicsCheckpoint> _checkpoints = [];
    private readonly List<StepScalars> _steps = [];
    private readonly List<double> _gradientNorms = [];
    private double _pendingGlobalNorm = double.NaN;
    private readonly List<IReadOnlyDictionary<string, Float32Array>> _testPassOutputs = [];
    private int _testPasses;
    private readonly List<string> _packedLayers = [];
    private readonly HashSet<string> _recurrentLayers = new(StringComparer.Ordinal);

    /// <param name="network">The network's name, stored with the result.</param>
    /// <param name="options">What to record.</param>
    public TrainingDynamicsRecorder(string network, TrainingDynamicsOptions? options = null)
    {
        _options = options ?? new TrainingDynamicsOptions();
        _options.Validate();
        _network = network;
    }

    /// <inheritdoc />
    public void Started(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (_model is not null) throw new InvalidOperationException("A TrainingDynamicsRecorder watches one training run; make a new one for the next.");
        _model = model;
        var parameters = model.named_parameters().ToList();
        var packed = model is ISequenceClassifier sequences ? sequences.PackedRecurrentLayers.ToHashSet(StringComparer.Ordinal) : [];
        bool probing = _options.Probe is not null || _options.ProbeTestSet;
        foreach (var (name, module) in model.named_modules())
        {
            string layerName = name.Length == 0 ? model.GetName() : name;
            string prefix = name.Length == 0 ? "" : name + ".";
            var own = parameters
                .Where(p => p.name.StartsWith(prefix, StringComparison.Ordinal) && !p.name[prefix.Length..].Contains('.'))
                .Select(p => new OwnedParameter(p.name[prefix.Length..].StartsWith("bias", StringComparison.Ordinal), p.parameter))
                .ToList();
            bool leaf = !module.children().Any();
            // A packed layer's states are known only from the test batches (ProbeTestSet); a probe is an opaque call.
            bool packedStates = _options.ProbeTestSet && packed.Contains(name);
            var source = packedStates ? ActivationSource.PackedStates
                : probing && leaf && !packed.Contains(name) && ActivationCapture.CanCapture(module) ? ActivationSource.Hook
                : ActivationSource.None;
            if (own.Count == 0 && source == ActivationSource.None) continue;
            string type = module.GetType().Name;
            _layers.Add(new LayerState(layerName, name, type, own, source, _options));
            if (packedStates) _packedLayers.Add(name);
            // A hooked recurrent layer fires only when called on a tensor; a model may run it on a packed batch.
            if (source == ActivationSource.Hook && module is not nn.Module<Tensor, Tensor>) _recurrentLayers.Add(name);
        }
    }

    /// <inheritdoc />
    public void BeforeUpdate(TrainingStep step)
    {
        bool sampled = _options.StepInterval is { } interval && step.Step % interval == 0;
        if (!step.LastOfEpoch && !sampled) return;
        double total = 0;
        foreach (var layer in _layers)
        {
            layer.PendingGradients = layer.Parameters.Select(p => p.Parameter.grad is { } g ? Copy(g) : []).ToArray();
            double squares = layer.PendingGradients.Sum(SumOfSquares);
            layer.PendingGradientNorm = layer.Parameters.Count == 0 ? double.NaN : Math.Sqrt(squares);
            total += squares;
            if (step.LastOfEpoch) layer.PendingBefore = layer.Parameters.Select(p => Copy(p.Parameter)).ToArray();
        }
        if (sampled) _steps.Add(new StepScalars(step.Step, step.Loss.to(ScalarType.Float64).item<double>(), Math.Sqrt(total), CurrentLearningRate));
        if (step.LastOfEpoch) _pendingGlobalNorm = Math.Sqrt(total);
    }

    /// <inheritdoc />
    public void AfterUpdate(TrainingStep step)
    {
        if (!step.LastOfEpoch) return;
        foreach (var layer in _layers)
        {
            if (layer.PendingBefore is not { } before) continue;
            var after = layer.Parameters.Select(p => Copy(p.Parameter)).ToArray();
            double change = 0, size = 0;
            for (int i = 0; i < after.Length; i++)
            {
                for (int j = 0; j < after[i].Length; j++)
                {
                    double d = (double)after[i][j] - before[i][j];
                    change += d * d;
                    size += (double)before[i][j] * before[i][j];
                }
            }
            layer.PendingUpdateRatio = layer.Parameters.Count == 0 ? double.NaN : size > 0 ? Math.Sqrt(change / size) : double.PositiveInfinity;
            layer.PendingBefore = null;
            // The epoch's last update: these are the weights the epoch ends with, histogrammed at EpochCompleted.
            layer.PendingAfter = after;
        }
    }

    /// <inheritdoc />
    public Tensor TestPass(Func<Tensor> pass)
    {
        ArgumentNullException.ThrowIfNull(pass);
        return CaptureTestPass(_ => pass(), packed: false);
    }

    /// <inheritdoc />
    public Tensor SequenceTestPass(Func<Action<string, Tensor>?, Tensor> pass)
    {
        ArgumentNullException.ThrowIfNull(pass);
        return CaptureTestPass(pass, packed: true);
    }

    /// <summary>Runs one test pass, capturing the hooked layers' outputs and, where <paramref name="packed"/>, those the
    /// model shows of the layers it runs on the packed batch.</summary>
    private Tensor CaptureTestPass(Func<Action<string, Tensor>?, Tensor> pass, bool packed)
    {
        if (!_options.ProbeTestSet || _model is null) return pass(null);
        _testPasses++;
        var hooked = HookedLayers();
        bool showsPacked = packed && _packedLayers.Count > 0;
        if (hooked.Count == 0 && !showsPacked) return pass(null);
        Tensor? output = null;
        var captured = new Dictionary<string, Float32Array>(StringComparer.Ordinal);
        Action<string, Tensor>? packedOutput = showsPacked ? (name, states) =>
        {
            if (!_packedLayers.Contains(name) || captured.ContainsKey(name)) return;
            using var scope = torch.NewDisposeScope();
            var values = states.detach().to(ScalarType.Float32).cpu().contiguous();
            captured[name] = new Float32Array(name, TensorValues.ToFloats(values), values.shape);
        } : null;
        if (hooked.Count > 0)
        {
            using var capture = ActivationCapture.Attach(_model, hooked);
            capture.Forward(() => output = pass(packedOutput), _recurrentLayers);
            foreach (var (name, values) in Fired(capture.Collect())) captured[name] = values;
        }
        else
        {
            output = pass(packedOutput);
        }
        var unseen = showsPacked ? _packedLayers.Where(name => !captured.ContainsKey(name)).ToList() : [];
        if (unseen.Count > 0)
            throw new InvalidOperationException($"{_model.GetType().Name} lists {string.Join(", ", unseen)} among its PackedRecurrentLayers, "
                + "but its Classify did not show their packed output.");
        _testPassOutputs.Add(captured);
        return output!;
    }

    /// <summary>The captures of layers that ran: a hooked recurrent layer that the model ran on a packed batch (and
    /// did not list in <see cref="ISequenceClassifier.PackedRecurrentLayers"/>) fired no hook and has nothing.</summary>
    private IEnumerable<KeyValuePair<string, Float32Array>> Fired(IReadOnlyDictionary<string, Float32Array> captured) =>
        captured.Where(entry => !(entry.Value.Values.Length == 0 && _recurrentLayers.Contains(entry.Key)));

    private List<string> HookedLayers() => [.. _layers.Where(l => l.Source == ActivationSource.Hook).Select(l => l.ModuleName)];

    /// <summary>The learning rate the trainer last reported; the recorder reads it from each checkpoint.</summary>
    private double CurrentLearningRate => _checkpoints.Count == 0 ? double.NaN : _checkpoints[^1].LearningRate;

    /// <inheritdoc />
    public void EpochCompleted(DynamicsCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (_model is null) throw new InvalidOperationException("EpochCompleted came before Started.");
        _checkpoints.Add(checkpoint);
        // Steps sampled before the first checkpoint did not know the rate yet; they ran at this one.
        for (int i = 0; i < _steps.Count; i++)
        {
            if (double.IsNaN(_steps[i].LearningRate)) _steps[i] = _steps[i] with { LearningRate = checkpoint.LearningRate };
        }
        _gradientNorms.Add(_pendingGlobalNorm);
        _pendingGlobalNorm = double.NaN;
        var activations = RecordProbe(checkpoint.Epoch);
        foreach (var layer in _layers)
        {
            layer.GradientNorms.Add(layer.PendingGradientNorm);
            layer.UpdateRatios.Add(layer.PendingUpdateRatio);
            layer.PendingGradientNorm = layer.PendingUpdateRatio = double.NaN;
            if (_options.Histograms && layer.Parameters.Count > 0)
            {
                var values = layer.PendingAfter ?? layer.Parameters.Select(p => Copy(p.Parameter)).ToArray();
                var gradients = layer.PendingGradients ?? [];
                Add(layer, HistogramKind.Weights, checkpoint.Epoch, values, gradients, bias: false);
                Add(layer, HistogramKind.Biases, checkpoint.Epoch, values, gradients, bias: true);
            }
            layer.PendingGradients = null;
            layer.PendingAfter = null;
            if (activations is not null && activations.TryGetValue(layer.ModuleName, out var output))
            {
                if (_options.Histograms) layer.Binning(HistogramKind.Activations).Add(checkpoint.Epoch, [output.Values]);
                if (layer.ModuleType.Contains("ReLU", StringComparison.Ordinal)) layer.UnitActivity.Add(UnitActivity(output.Values, output.Shape));
            }
        }
    }

    /// <summary>Everything recorded so far.</summary>
    public TrainingDynamics Result() => new()
    {
        Network = _network,
        LossName = _options.LossName,
        Checkpoints = [.. _checkpoints],
        Steps = [.. _steps],
        GradientNorms = [.. _gradientNorms],
        Layers = [.. _layers.Select(l => new LayerDynamics
        {
            Name = l.Name,
            ModuleType = l.ModuleType,
            Histograms = [.. l.Series.Values.Select(b => b.Result()).Where(s => s.Histograms.Count > 0).OrderBy(s => s.Kind)],
            GradientNorms = [.. l.GradientNorms],
            UpdateRatios = [.. l.UpdateRatios],
            UnitActivity = [.. l.UnitActivity],
        })],
    };

    private static void Add(LayerState layer, HistogramKind kind, int epoch, float[][] values, float[][] gradients, bool bias)
    {
        var chosen = Enumerable.Range(0, layer.Parameters.Count).Where(i => layer.Parameters[i].IsBias == bias).ToList();
        if (chosen.Count == 0) return;
        layer.Binning(kind).Add(epoch, [.. chosen.Select(i => values[i])]);
        var withGradients = chosen.Where(i => i < gradients.Length && gradients[i].Length > 0).ToList();
        if (withGradients.Count > 0)
            layer.Binning(bias ? HistogramKind.BiasGradients : HistogramKind.WeightGradients).Add(epoch, [.. withGradients.Select(i => gradients[i])]);
    }

    private IReadOnlyDictionary<string, Float32Array>? RecordProbe(int epoch)
    {
        if (_options.ProbeTestSet) return TestPassActivations(epoch);
        if (_options.Probe is not { } probe) return null;
        var names = HookedLayers();
        if (names.Count == 0) return null;
        bool wasTraining = _model!.training;
        _model.eval();
        try
        {
            // No graph: the probe only looks, and building one would cost as much as a training step's forward pass.
            using var noGrad = torch.no_grad();
            using var capture = ActivationCapture.Attach(_model, names);
            capture.Forward(() => probe(_model), _recurrentLayers);
            return Fired(capture.Collect()).ToDictionary(StringComparer.Ordinal);
        }
        finally
        {
            _model.train(wasTraining);
        }
    }

    /// <summary>The layer outputs captured during this epoch's test evaluation, its batches joined in order.</summary>
    private IReadOnlyDictionary<string, Float32Array>? TestPassActivations(int epoch)
    {
        if (_layers.All(l => l.Source == ActivationSource.None)) return null;
        if (_testPasses == 0)
            throw new Errors.LayerScopeException($"TrainingDynamicsOptions.ProbeTestSet is set, but the trainer evaluated no test set after epoch {epoch}; "
                + "set TrainingDynamicsOptions.Probe to a probe batch instead.");
        try
        {
            if (_testPassOutputs.Count == 0) return null;
            if (_testPassOutputs.Count == 1) return _testPassOutputs[0];
            return _testPassOutputs[0].Keys.ToDictionary(name => name, name =>
            {
                var parts = _testPassOutputs.Select(batch => batch[name]).ToList();
                long[] shape = [parts.Sum(p => p.Shape[0]), .. parts[0].Shape.Skip(1)];
                return new Float32Array(name, [.. parts.SelectMany(p => p.Values)], shape);
            }, StringComparer.Ordinal);
        }
        finally
        {
            _testPassOutputs.Clear();
            _testPasses = 0;
        }
    }

    /// <summary>Per unit, the fraction of examples on which it is positive anywhere: units are the last axis of
    /// [N, U] and [N, T, U] outputs and the channel axis (1) of [N, C, H, W] feature maps.</summary>
    internal static IReadOnlyList<double> UnitActivity(float[] values, long[] shape)
    {
        if (shape.Length < 2 || shape[0] == 0) return [];
        long examples = shape[0];
        int unitAxis = shape.Length >= 4 ? 1 : shape.Length - 1;
        long units = shape[unitAxis];
        long inner = 1;
        for (int a = unitAxis + 1; a < shape.Length; a++) inner *= shape[a];
        long perExample = values.LongLength / examples;
        long outer = perExample / (units * inner);
        var active = new long[units];
        for (long n = 0; n < examples; n++)
        {
            for (long u = 0; u < units; u++)
            {
                // Unit u's values of example n are `outer` runs of `inner` contiguous values (a feature map's pixels,
                // or one value per time step); the search stops at the first positive one, which for a ReLU output
                // is usually among the first few, instead of dividing every index to find its unit.
                bool fired = false;
                for (long o = 0; o < outer && !fired; o++)
                {
                    long start = n * perExample + (o * units + u) * inner;
                    for (long i = start; i < start + inner; i++)
                    {
                        if (values[i] > 0) { fired = true; break; }
                    }
                }
                if (fired) active[u]++;
            }
        }
        return [.. active.Select(a => (double)a / examples)];
    }

    private static float[] Copy(Tensor tensor) => TensorValues.ToFloats(tensor);

    private static double SumOfSquares(float[] values)
    {
        double sum = 0;
        foreach (var v in values) sum += (double)v * v;
        return sum;
    }

    private sealed record OwnedParameter(bool IsBias, Tensor Parameter);

    /// <summary>Where a layer's activations come from.</summary>
    private enum ActivationSource
    {
        /// <summary>None are recorded (a layer with parameters but no capturable output, or no probe).</summary>
        None,
        /// <summary>A forward hook (<see cref="ActivationCapture"/>) during the probe or test pass.</summary>
        Hook,
        /// <summary>The packed output the model shows during each test pass (<see cref="ISequenceClassifier.PackedRecurrentLayers"/>).</summary>
        PackedStates,
    }

    private sealed class LayerState(string name, string moduleName, string moduleType, IReadOnlyList<OwnedParameter> parameters,
        ActivationSource source, TrainingDynamicsOptions options)
    {
        public string Name { get; } = name;
        public string ModuleName { get; } = moduleName;
        public string ModuleType { get; } = moduleType;
        public IReadOnlyList<OwnedParameter> Parameters { get; } = parameters;
        public ActivationSource Source { get; } = source;
        public SortedDictionary<HistogramKind, HistogramBinning> Series { get; } = [];
        public List<double> GradientNorms { get; } = [];
        public List<double> UpdateRatios { get; } = [];
        public List<IReadOnlyList<double>> UnitActivity { get; } = [];
        public float[][]? PendingGradients { get; set; }
        public float[][]? PendingBefore { get; set; }
        public float[][]? PendingAfter { get; set; }
        public double PendingGradientNorm { get; set; } = double.NaN;
        public double PendingUpdateRatio { get; set; } = double.NaN;

        public HistogramBinning Binning(HistogramKind kind)
        {
            if (!Series.TryGetValue(kind, out var binning)) Series[kind] = binning = new HistogramBinning(kind, options.Binning);
            return binning;
        }
    }
}
