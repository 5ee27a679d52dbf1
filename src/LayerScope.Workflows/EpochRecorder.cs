using LayerScope.Arrays;
using LayerScope.Capture;
using LayerScope.Progress;
using LayerScope.Reduction;
using LayerScope.Runs;
using static TorchSharp.torch;

namespace LayerScope.Workflows;

/// <summary>What <see cref="EpochRecorder"/> records after each epoch.</summary>
public sealed record EpochRecorderOptions
{
    /// <summary>The layers to capture, by the names <c>layers</c> lists.</summary>
    public required IReadOnlyList<string> Layers { get; init; }

    /// <summary>The network's name: run layers are "<c>{Network}/{layer}</c>" and files go under
    /// "<c>{Network}/epochs/</c>". Null for a workflow with one network (layers keep their names, files go under
    /// "<c>epochs/</c>").</summary>
    public string? Network { get; init; }

    /// <summary>Also embed each captured layer after every epoch with this reducer, each epoch's picture aligned onto
    /// the previous one's (<see cref="EmbeddingAlignment"/>) so the viewer animates how the classes separate.
    /// Null: only layers of 2 or 3 units get a picture, their raw units.</summary>
    public IReducer? Reducer { get; init; }

    /// <summary>How the layers are captured (batch size).</summary>
    public CaptureOptions Capture { get; init; } = new();
}

/// <summary>One epoch as recorded: the captured layers and, when a reducer was given, their aligned embeddings.</summary>
public sealed record EpochCapture(int Epoch, IReadOnlyDictionary<string, Float32Array> Layers, IReadOnlyDictionary<string, DenseMatrix> Embeddings)
{
    /// <summary>How long the forward passes of the capture took (without the reductions): the capture throughput is
    /// the inputs' count divided by it.</summary>
    public TimeSpan CaptureTime { get; init; }
}

/// <summary>
/// The per-epoch recording stage: call <see cref="Record"/> from a trainer's after-epoch callback, and each chosen
/// layer is captured for the fixed inputs and put into the run (array, layer, activations per epoch, the raw
/// embedding of a 2- or 3-unit layer, and the aligned embedding when a reducer is set).
/// </summary>
public sealed class EpochRecorder
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly Tensor _inputs;
    private readonly RunManifestWriter _run;
    private readonly EpochRecorderOptions _options;
    private readonly List<EpochCapture> _epochs = [];

    /// <summary>Records <paramref name="model"/>'s layers for <paramref name="inputs"/> into <paramref name="run"/>.</summary>
    public EpochRecorder(nn.Module<Tensor, Tensor> model, Tensor inputs, RunManifestWriter run, EpochRecorderOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        _model = model;
        _inputs = inputs;
        _run = run;
        _options = options;
    }

    /// <summary>Every epoch recorded so far, in order.</summary>
    public IReadOnlyList<EpochCapture> Epochs => _epochs;

    /// <summary>The run's name of <paramref name="layer"/>.</summary>
    public string RunLayer(string layer) => _options.Network is null ? layer : $"{_options.Network}/{layer}";

    /// <summary>Captures the layers after <paramref name="epoch"/> (1-based) and records them.</summary>
    public EpochCapture Record(int epoch, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var captured = ActivationCapture.Run(_model, _inputs, _options.Layers, _options.Capture, progress, cancellationToken);
        var captureTime = watch.Elapsed;
        var embeddings = new Dictionary<string, DenseMatrix>(StringComparer.Ordinal);
        string folder = _options.Network is null ? "epochs" : $"{_options.Network}/epochs";
        string prefix = _options.Network is null ? "" : _options.Network + ".";
        foreach (var (layer, values) in captured.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var array = RunManifest.ToArrayName($"{prefix}{layer}-e{epoch:00}");
            _run.AddCapturedLayer(RunLayer(layer), array, $"{folder}/{layer}-e{epoch:00}.npy", values, epoch);
            if (_options.Reducer is { } reducer)
            {
                var reduced = reducer.Reduce(values.ToMatrix(), progress, cancellationToken);
                var method = reduced.Method.Name();
                embeddings[layer] = _run.AddAlignedEmbedding(RunLayer(layer), method, RunManifest.ToArrayName($"{prefix}{layer}-{method}-e{epoch:00}"),
                    $"{folder}/{layer}-{method}-e{epoch:00}.npy", reduced.Positions, epoch, reduced.Parameters);
            }
        }
        var record = new EpochCapture(epoch, captured, embeddings) { CaptureTime = captureTime };
        _epochs.Add(record);
        return record;
    }
}
