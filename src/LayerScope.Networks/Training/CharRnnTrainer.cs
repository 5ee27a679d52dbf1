using System.Diagnostics;
using System.Globalization;
using LayerScope.Models.Zoo;
using LayerScope.Dynamics;
using LayerScope.Progress;
using LayerScope.Training.Dynamics;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Training;

/// <summary>
/// Trains a <see cref="CharRnn"/> to predict the next character: the text is cut into <c>BatchSize</c> streams read in
/// parallel, <c>SequenceLength</c> characters per step, the LSTM state carried from one step to the next (detached,
/// so gradients reach back one sequence) and reset when the streams wrap around. Adam, gradient clipping.
/// </summary>
public static class CharRnnTrainer
{
    /// <summary>The progress step name.</summary>
    public const string StepName = "train charrnn";

    /// <summary>Trains <paramref name="model"/> on <paramref name="encoded"/> (character indices) and returns every step's
    /// loss. Stops early at <see cref="CharRnnTrainingOptions.TimeLimit"/>. <paramref name="observer"/> sees every
    /// step (gradients before clipping); its epochs are passes over the streams (the last one may be partial), and
    /// their checkpoints carry the mean training loss of the pass, no accuracy and no held-out figures.</summary>
    /// <exception cref="ArgumentException">The text is too short for one sequence per stream.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "The observer came after the token; existing calls pass the token by position.")]
    public static IReadOnlyList<LanguageModelStep> Fit(CharRnn model, int[] encoded, CharRnnTrainingOptions options,
        IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default, ITrainingObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoded);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int streams = options.BatchSize, length = options.SequenceLength;
        int streamLength = encoded.Length / streams;
        if (streamLength < length + 1)
            throw new ArgumentException($"{encoded.Length} characters are too few for {streams} streams of at least {length + 1}.", nameof(encoded));

        using var data = torch.tensor(encoded.AsSpan(0, streams * streamLength).ToArray().Select(i => (long)i).ToArray(), [streams, streamLength]);
        using var optimizer = torch.optim.Adam(model.parameters(), options.LearningRate);
        var history = new List<LanguageModelStep>(options.Steps);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<(Tensor H, Tensor C)>? state = null;
        int position = 0;
        double smoothed = double.NaN;
        int epoch = 1;
        double epochLoss = 0;
        int epochSteps = 0;
        observer?.Started(model);
        model.train();
        for (int step = 1; step <= options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (position + length + 1 > streamLength)
            {
                position = 0;
                DisposeState(state);
                state = null;
            }
            double loss;
            using (var scope = torch.NewDisposeScope())
            {
                var x = torch.nn.functional.one_hot(data.narrow(1, position, length), model.VocabularySize).to(ScalarType.Float32);
                var y = data.narrow(1, position + 1, length);
                optimizer.zero_grad();
                var (logits, next) = model.Run(x, state);
                var lossTensor = torch.nn.functional.cross_entropy(logits.reshape(-1, model.VocabularySize), y.reshape(-1));
                lossTensor.backward();
                bool wrapsNext = position + 2 * length + 1 > streamLength;
                bool lastOfEpoch = wrapsNext || step == options.Steps || (options.TimeLimit is { } l && clock.Elapsed >= l);
                var observed = new TrainingStep(epoch, step, lastOfEpoch, lossTensor);
                observer?.BeforeUpdate(observed);
                torch.nn.utils.clip_grad_norm_(model.parameters(), options.GradientClip);
                optimizer.step();
                observer?.AfterUpdate(observed);
                loss = lossTensor.item<float>();
                DisposeState(state);
                state = next.Select(s => (s.H.detach().MoveToOuterDisposeScope(), s.C.detach().MoveToOuterDisposeScope())).ToList();
            }
            position += length;
            smoothed = double.IsNaN(smoothed) ? loss : 0.95 * smoothed + 0.05 * loss;
            history.Add(new LanguageModelStep(step, loss, clock.Elapsed.TotalSeconds));
            bool outOfTime = options.TimeLimit is { } limit && clock.Elapsed >= limit;
            epochLoss += loss;
            epochSteps++;
            if (observer is not null && (position + length + 1 > streamLength || step == options.Steps || outOfTime))
            {
                model.eval();
                observer.EpochCompleted(new DynamicsCheckpoint(epoch, step, epochLoss / epochSteps, null, null, null, options.LearningRate));
                model.train();
                epoch++;
                epochLoss = 0;
                epochSteps = 0;
            }
            progress?.Report(new StepProgress(StepName, outOfTime ? options.Steps : step, options.Steps,
                string.Create(CultureInfo.InvariantCulture, $"step {step}, loss {smoothed:0.000}")));
            if (outOfTime) break;
        }
        DisposeState(state);
        model.eval();
        return history;
    }

    /// <summary>Mean next-character cross-entropy (nats per character) of <paramref name="model"/> over
    /// <paramref name="encoded"/>, read as one stream from a zero state in chunks of <paramref name="chunk"/>.</summary>
    public static double Evaluate(CharRnn model, int[] encoded, int chunk = 200)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoded);
        if (encoded.Length < 2) return double.NaN;
        bool wasTraining = model.training;
        model.eval();
        double total = 0;
        long count = 0;
        IReadOnlyList<(Tensor H, Tensor C)>? state = null;
        using var noGrad = torch.no_grad();
        using var data = torch.tensor(encoded.Select(i => (long)i).ToArray());
        for (int start = 0; start + 1 < encoded.Length; start += chunk)
        {
            int n = Math.Min(chunk, encoded.Length - 1 - start);
            using var scope = torch.NewDisposeScope();
            var x = torch.nn.functional.one_hot(data.narrow(0, start, n), model.VocabularySize).to(ScalarType.Float32).unsqueeze(0);
            var y = data.narrow(0, start + 1, n);
            var (logits, next) = model.Run(x, state);
            total += torch.nn.functional.cross_entropy(logits.reshape(-1, model.VocabularySize), y, reduction: nn.Reduction.Sum).item<float>();
            count += n;
            DisposeState(state);
            state = next.Select(s => (s.H.MoveToOuterDisposeScope(), s.C.MoveToOuterDisposeScope())).ToList();
        }
        DisposeState(state);
        model.train(wasTraining);
        return total / count;
    }

    private static void DisposeState(IReadOnlyList<(Tensor H, Tensor C)>? state)
    {
        if (state is null) return;
        foreach (var (h, c) in state)
        {
            h.Dispose();
            c.Dispose();
        }
    }
}
