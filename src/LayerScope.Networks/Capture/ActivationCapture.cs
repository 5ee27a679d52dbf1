using LayerScope.Arrays;
using LayerScope.Errors;
using LayerScope.Progress;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Capture;

/// <summary>
/// Records the outputs of named layers of a TorchSharp model during forward passes, through forward hooks: any layer,
/// one forward pass, no truncated copy of the model (the Keras trick this replaces builds a second model up to the
/// layer and copies weights into it).
/// </summary>
/// <remarks>
/// A capture is a scope: <see cref="Attach"/> registers one hook per layer and <see cref="Dispose"/> removes every
/// one of them, also when the forward pass threw. Values are copied out of libtorch as float32 right away, so no
/// tensor or autograd graph outlives its batch. Hooks fire only when a module is invoked with <c>call()</c>
/// (TorchSharp skips hooks for <c>forward()</c>); the zoo models always use <c>call()</c>.
/// </remarks>
public sealed class ActivationCapture : IDisposable
{
    private readonly List<Action> _removeHooks = [];
    private readonly Dictionary<string, List<float[]>> _batches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long[]> _exampleShapes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenThisPass = new(StringComparer.Ordinal);
    private readonly bool _stopEarly;

    private ActivationCapture(IReadOnlyList<string> layers, bool stopEarly)
    {
        Layers = layers;
        _stopEarly = stopEarly;
        foreach (var layer in layers) _batches[layer] = [];
    }

    /// <summary>The captured layers, in the order asked.</summary>
    public IReadOnlyList<string> Layers { get; }

    /// <summary>Hooks currently registered by this capture (0 after <see cref="Dispose"/>).</summary>
    public int ActiveHookCount => _removeHooks.Count;

    /// <summary>Number of examples recorded so far (from the first layer).</summary>
    public long ExamplesRecorded => Layers.Count == 0 ? 0 : _batches[Layers[0]].Sum(b => b.LongLength) / Math.Max(1, ExampleSize(Layers[0]));

    /// <summary>Registers a forward hook on each named layer. Throws <see cref="UnknownLayerException"/> (with the
    /// closest valid names) before registering anything when a name is wrong.</summary>
    /// <param name="model">The model whose submodules are captured.</param>
    /// <param name="layers">Names from <c>named_modules()</c>.</param>
    /// <param name="stopEarly">Abort each forward pass once every layer has produced its output; use
    /// <see cref="Forward"/> to run passes so the abort is absorbed.</param>
    public static ActivationCapture Attach(nn.Module model, IEnumerable<string> layers, bool stopEarly = false)
    {
        var selected = LayerSelector.Select(model, layers);
        if (selected.Count == 0) throw new InvalidSettingsException(["no layer to capture: name at least one layer."]);
        var capture = new ActivationCapture(selected.Select(s => s.Name).ToList(), stopEarly);
        try
        {
            foreach (var (name, module) in selected) capture._removeHooks.Add(capture.Hook(name, module));
        }
        catch
        {
            capture.Dispose();
            throw;
        }
        return capture;
    }

    /// <summary>Runs <paramref name="model"/> over <paramref name="inputs"/> (first dimension = examples) in batches,
    /// without gradients and in evaluation mode, and returns every requested layer's output for all examples.</summary>
    /// <returns>One <see cref="Float32Array"/> per layer, keyed by layer name, shaped [examples, ...layer output].</returns>
    public static IReadOnlyDictionary<string, Float32Array> Run(
        nn.Module<Tensor, Tensor> model,
        Tensor inputs,
        IEnumerable<string> layers,
        CaptureOptions? options = null,
        IProgress<StepProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new CaptureOptions();
        options.Validate();
        long count = inputs.shape[0];
        using var capture = Attach(model, layers, options.StopEarly);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            for (long start = 0; start < count; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long length = Math.Min(options.BatchSize, count - start);
                using (var scope = torch.NewDisposeScope())
                {
                    var batch = inputs.narrow(0, start, length);
                    capture.Forward(() => model.call(batch));
                }
                progress?.Report(new StepProgress("capture", start + length, count, string.Join(", ", capture.Layers)));
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return capture.Collect();
    }

    /// <summary>Runs one forward pass through <paramref name="forward"/> without gradients, absorbing the early stop,
    /// and checks that every layer fired exactly once, except those of <paramref name="mayNotRun"/>.</summary>
    /// <param name="forward">The forward pass.</param>
    /// <param name="mayNotRun">Layers the pass may skip without an error, e.g. recurrent layers a model runs on a
    /// packed batch, which fire no hook; such a layer's capture stays empty.</param>
    public void Forward(Action forward, IReadOnlyCollection<string>? mayNotRun = null)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ObjectDisposedException.ThrowIf(_removeHooks.Count == 0 && Layers.Count > 0, this);
        _seenThisPass.Clear();
        using (torch.no_grad())
        {
            try
            {
                forward();
            }
            catch (StopForwardSignal)
            {
                // Every requested layer has its output; the rest of the network is not needed.
            }
        }
        var missing = Layers.Where(layer => !_seenThisPass.Contains(layer) && mayNotRun?.Contains(layer) != true).ToList();
        if (missing.Count > 0)
            throw new LayerScopeException($"layer(s) {string.Join(", ", missing)} did not run during the forward pass. "
                + "A module fires its hooks only when its parent invokes it with call(), not forward().");
    }

    /// <summary>Everything recorded so far, concatenated along the example dimension.</summary>
    public IReadOnlyDictionary<string, Float32Array> Collect()
    {
        var result = new Dictionary<string, Float32Array>(StringComparer.Ordinal);
        foreach (var layer in Layers)
        {
            var batches = _batches[layer];
            var exampleShape = _exampleShapes.TryGetValue(layer, out var s) ? s : [];
            long perExample = Shapes.Product(exampleShape);
            long total = batches.Sum(b => b.LongLength);
            var values = new float[total];
            long offset = 0;
            foreach (var batch in batches)
            {
                batch.CopyTo(values, offset);
                offset += batch.LongLength;
            }
            long examples = perExample == 0 ? 0 : total / perExample;
            result[layer] = new Float32Array(layer, values, [examples, .. exampleShape]);
        }
        return result;
    }

    /// <summary>Removes every hook. Recorded values stay available through <see cref="Collect"/>.</summary>
    public void Dispose()
    {
        foreach (var remove in _removeHooks) remove();
        _removeHooks.Clear();
    }

    /// <summary>Whether <see cref="Attach"/> can capture <paramref name="module"/>'s output: a module of one tensor in
    /// and one out, or a recurrent layer (LSTM, GRU, RNN) called on a tensor, whose output sequence (h_t at every time
    /// step) is captured.</summary>
    public static bool CanCapture(nn.Module module) =>
        module is nn.Module<Tensor, Tensor> or LSTM or nn.Module<Tensor, Tensor?, (Tensor, Tensor)>;

    private long ExampleSize(string layer) =>
        _exampleShapes.TryGetValue(layer, out var shape) ? Shapes.Product(shape) : 1;

    private Action Hook(string name, nn.Module module)
    {
        switch (module)
        {
            case nn.Module<Tensor, Tensor> plain:
                var plainHook = plain.register_forward_hook((_, _, output) => { Record(name, output); return output; });
                return plainHook.remove;
            case LSTM lstm:
                // The output sequence [batch, time, directions * hidden]: every time step's hidden state.
                var lstmHook = lstm.register_forward_hook((_, _, _, output) => { Record(name, output.Item1); return output; });
                return lstmHook.remove;
            case nn.Module<Tensor, Tensor?, (Tensor, Tensor)> recurrent:
                // GRU and RNN: the output sequence, as for the LSTM.
                var recurrentHook = recurrent.register_forward_hook((_, _, _, output) => { Record(name, output.Item1); return output; });
                return recurrentHook.remove;
            default:
                throw new LayerScopeException($"layer '{name}' is a {module.GetType().Name}, whose output LayerScope cannot "
                    + "capture yet; capture a layer inside it or one that takes and returns a single tensor.");
        }
    }

    private void Record(string name, Tensor output)
    {
        if (_seenThisPass.Contains(name)) return; // a module reused within one pass: keep its first output
        _seenThisPass.Add(name);
        using (var scope = torch.NewDisposeScope())
        {
            var values = output.detach().to(ScalarType.Float32).cpu().contiguous();
            long[] exampleShape = values.shape.Skip(1).ToArray();
            if (_exampleShapes.TryGetValue(name, out var known) && !known.SequenceEqual(exampleShape))
                throw new LayerScopeException($"layer '{name}' produced [{string.Join(", ", exampleShape)}] per example in this batch "
                    + $"but [{string.Join(", ", known)}] before; capture sequences of different lengths in batches of equal length.");
            _exampleShapes[name] = exampleShape;
            _batches[name].Add(TensorValues.ToFloats(values));
        }
        if (_stopEarly && _seenThisPass.Count == Layers.Count) throw new StopForwardSignal();
    }

    /// <summary>Thrown from a hook to end a forward pass early; never leaves <see cref="Forward"/>.</summary>
    private sealed class StopForwardSignal : Exception
    {
    }
}
