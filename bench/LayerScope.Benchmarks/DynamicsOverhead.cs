using System.Diagnostics;
using System.Globalization;
using LayerScope.Data;
using LayerScope.Data.Images;
using LayerScope.Data.Loaders;
using LayerScope.Dynamics;
using LayerScope.Models.Zoo;
using LayerScope.Training;
using LayerScope.Training.Dynamics;
using TorchSharp;

namespace LayerScope.Benchmarks;

/// <summary>
/// What recording training dynamics costs (<c>-- dynamics [repetitions] [banknote|vowels|cnn ...] [--threads N]
/// [--cnn-images N] [--cnn-epochs N]</c>): each demo's training as the demo trains it, without an observer and with a
/// <see cref="TrainingDynamicsRecorder"/> recording every layer's histograms every epoch on the demo's probe batch.
/// Banknote: both MLPs, 20 epochs, batch 32, Adam 0.01, probe the 412 test rows. Vowels: LSTM(100), 12 epochs, batch
/// 27, Adam 0.01, gradient clipping 1, probe the 370 test sequences. Both probes are the test set and, as in the demos,
/// captured during the trainer's test evaluation (<see cref="TrainingDynamicsOptions.ProbeTestSet"/>). CNN: <see cref="FashionCnn"/> with the demo's
/// epoch — all 60,000 training images, all 10,000 test images evaluated after it, batch 64, Adam 1e-3, probe 256 test
/// images — for one epoch by default (the demo trains three; the recorder's cost and the epoch's are both per epoch,
/// so one epoch gives the demo's ratio); <c>--cnn-images</c> takes fewer and the output then says which fraction of
/// the demo's epoch was measured. Every run evaluates train and test after every epoch, as the demos do.
/// </summary>
/// <remarks>
/// Runs alternate (plain, recorded, plain, ...) so that drift in the machine's load hits both, and each is timed in
/// wall time and in the process's CPU time (user + system, <see cref="CpuClock"/>): on a shared
/// machine wall time counts the waits for a core, CPU time only the work. libtorch runs on one thread by default
/// (<c>--threads</c>), so CPU time is the work of one core and not the spinning of idle intra-op threads. The
/// recorder is also wrapped in <see cref="TimedObserver"/>, which measures the CPU time spent inside its calls: the
/// recorder's own cost, unaffected by how long the rest of the training happened to take. Budget: at most 10 % more.
/// Data from LAYERSCOPE_DATA or ../shared/data.
/// </remarks>
public static class DynamicsOverhead
{
    /// <summary>Training images of the demo's CNN epoch.</summary>
    public const int DemoCnnTrainImages = 60_000;

    /// <summary>Test images of the CNN case (evaluated every epoch; the first 256 are the probe batch).</summary>
    public const int CnnTestImages = 10_000;

    public static int Run(string[] args)
    {
        var positional = new List<string>();
        int threads = 1, cnnImages = DemoCnnTrainImages, cnnEpochs = 1;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--cnn-images": cnnImages = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--cnn-epochs": cnnEpochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: positional.Add(args[i]); break;
            }
        }
        int repetitions = positional.Count > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 9;
        var chosen = positional.Count > 1 ? positional[1..] : ["banknote", "vowels", "cnn"];
        torch.set_num_threads(threads);
        Console.WriteLine($"libtorch threads: {torch.get_num_threads()}; repetitions: {repetitions} (after two warm-ups of each)");
        var folder = Environment.GetEnvironmentVariable("LAYERSCOPE_DATA") is { Length: > 0 } env ? env : Path.GetFullPath(Path.Combine("..", "shared", "data"));
        var data = DataDirectory.Choose(folder);
        int worst = 0;
        foreach (var name in chosen)
        {
            foreach (var (label, train, warmUp) in Cases(name, data, cnnImages, cnnEpochs))
            {
                var plain = new List<Timing>();
                var recorded = new List<Timing>();
                var inside = new List<double>();
                var steps = new List<double>();
                // Warm-up: JIT (tiered compilation recompiles hot methods on a background thread, whose CPU time
                // the process clock counts) and libtorch's first calls.
                for (int w = 0; w < 2; w++)
                {
                    warmUp(null);
                    warmUp(new TimedObserver());
                }
                for (int r = 0; r < repetitions; r++)
                {
                    plain.Add(train(null));
                    var timed = new TimedObserver();
                    recorded.Add(train(timed));
                    inside.Add(timed.CpuSeconds);
                    steps.Add(timed.StepSeconds);
                }
                double wall = Median(recorded, t => t.Wall) / Median(plain, t => t.Wall);
                double cpu = Median(recorded, t => t.Cpu) / Median(plain, t => t.Cpu);
                double own = 1 + Median(inside, x => x) / Median(plain, t => t.Cpu);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{label}: wall {Median(plain, t => t.Wall) * 1000:0} -> {Median(recorded, t => t.Wall) * 1000:0} ms ({wall:0.000}x), "
                    + $"CPU {Median(plain, t => t.Cpu) * 1000:0} -> {Median(recorded, t => t.Cpu) * 1000:0} ms ({cpu:0.000}x), "
                    + $"inside the recorder {Median(inside, x => x) * 1000:0.0} ms CPU ({own:0.000}x; steps {Median(steps, x => x) * 1000:0.0} ms); medians of {repetitions}"));
                if (cpu > 1.10 || own > 1.10) worst = 1;
            }
        }
        return worst;
    }

    /// <summary>Seconds of one run, wall and CPU.</summary>
    private readonly record struct Timing(double Wall, double Cpu);

    /// <summary>The trainings of one demo, each as "the timing of one run with this observer (null: none)", and a
    /// shorter one of the same code to warm up with.</summary>
    private static IEnumerable<(string Label, Func<TimedObserver?, Timing> Train, Func<TimedObserver?, Timing> WarmUp)> Cases(
        string name, DataDirectoryChoice data, int cnnImages, int cnnEpochs) => name switch
    {
        "banknote" => Banknote(data).Select(c => (c.Item1, c.Item2, c.Item2)),
        "vowels" => [("vowels-lstm", Vowels(data), Vowels(data))],
        "cnn" => [(CnnLabel(cnnImages, cnnEpochs), Cnn(data, cnnImages, cnnEpochs), Cnn(data, Math.Min(cnnImages, 2_000), 1))],
        _ => throw new ArgumentException($"Unknown case '{name}'; use banknote, vowels or cnn.", nameof(name)),
    };

    private static string CnnLabel(int images, int epochs) => string.Create(CultureInfo.InvariantCulture,
        $"fashion-cnn ({epochs} epoch(s) of {images:N0} training images = {(double)images / DemoCnnTrainImages:0.###} of the demo's epoch, {CnnTestImages:N0} test images)");

    private static IEnumerable<(string, Func<TimedObserver?, Timing>)> Banknote(DataDirectoryChoice data)
    {
        var table = BanknoteLoader.Load(data);
        var (trainTable, testTable) = table.Split(0.3, 42);
        var standardizer = Standardizer.Fit(trainTable.Features, trainTable.Columns);
        var train = LabeledTensors.FromArrays(standardizer.Transform(trainTable.Features), [trainTable.Columns], trainTable.Labels);
        var test = LabeledTensors.FromArrays(standardizer.Transform(testTable.Features), [testTable.Columns], testTable.Labels);
        var options = new TrainingOptions { Epochs = 20, BatchSize = 32, LearningRate = 0.01, Seed = 42 };
        foreach (var widths in new[] { new[] { 2 }, new[] { 3, 2 } })
        {
            yield return (BanknoteMlp.NameFor(4, widths), timed => Time(options.Seed, () => new BanknoteMlp(widths), timed,
                new TrainingDynamicsOptions { ProbeTestSet = true }, (model, observer) => Trainer.Fit(model, train, test, options, observer: observer)));
        }
    }

    private static Func<TimedObserver?, Timing> Vowels(DataDirectoryChoice data)
    {
        var trainSet = JapaneseVowelsLoader.LoadTrain(data);
        var testSet = JapaneseVowelsLoader.LoadTest(data);
        var standardizer = Standardizer.Fit(trainSet.ConcatenatedFrames(), trainSet.Features);
        var train = trainSet.MapSequences(standardizer.Transform);
        var test = testSet.MapSequences(standardizer.Transform);
        var options = new TrainingOptions { Epochs = 12, BatchSize = 27, LearningRate = 0.01, Seed = 42, Objective = ClassificationObjective.Multiclass };
        return timed => Time(options.Seed, () => new VowelsLstm(train.Features, 100, train.ClassNames.Count), timed,
            new TrainingDynamicsOptions { ProbeTestSet = true },
            (model, observer) => SequenceTrainer.Fit(model, train, test, options, observer: observer));
    }

    private static Func<TimedObserver?, Timing> Cnn(DataDirectoryChoice data, int images, int epochs)
    {
        static LabeledTensors Tensors(LabeledImages images) => LabeledTensors.FromArrays(images.Pixels, [1, images.Height, images.Width], images.Labels);
        var train = Tensors(FashionMnistLoader.Load(data, FashionMnistSplit.Train).Take(images));
        var test = Tensors(FashionMnistLoader.Load(data, FashionMnistSplit.Test).Take(CnnTestImages));
        var probe = test.Features.narrow(0, 0, 256);
        var options = new TrainingOptions { Epochs = epochs, BatchSize = 64, LearningRate = 1e-3, Seed = 42, Objective = ClassificationObjective.Multiclass };
        return timed => Time(options.Seed, () => new FashionCnn(), timed, new TrainingDynamicsOptions { Probe = TrainingDynamicsOptions.ProbeInputs(probe) },
            (model, observer) => Trainer.Fit(model, train, test, options, observer: observer));
    }

    private static Timing Time<TModel>(int seed, Func<TModel> create, TimedObserver? timed, TrainingDynamicsOptions recording, Action<TModel, ITrainingObserver?> fit)
        where TModel : torch.nn.Module
    {
        torch.manual_seed(seed);
        using var model = create();
        timed?.Wrap(new TrainingDynamicsRecorder(model.GetName(), recording));
        // Collect the previous run's garbage now, not inside this one's timing.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        double cpu = CpuClock.Process();
        var watch = Stopwatch.StartNew();
        fit(model, timed);
        timed?.Result();
        return new Timing(watch.Elapsed.TotalSeconds, CpuClock.Process() - cpu);
    }

    private static double Median<T>(List<T> values, Func<T, double> of)
    {
        var sorted = values.Select(of).Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>A recorder and the CPU time of the training thread spent inside its calls (libtorch on one thread
    /// computes on the calling thread; the thread's clock leaves out the JIT's and the GC's background threads).</summary>
    private sealed class TimedObserver : ITrainingObserver
    {
        private TrainingDynamicsRecorder? _recorder;

        /// <summary>CPU seconds inside the recorder, in all.</summary>
        public double CpuSeconds => StepSeconds + EpochSeconds;

        /// <summary>CPU seconds in BeforeUpdate and AfterUpdate (gradients, weights before and after).</summary>
        public double StepSeconds { get; private set; }

        /// <summary>CPU seconds in Started, EpochCompleted (probe pass, histograms, unit activity) and Result.</summary>
        public double EpochSeconds { get; private set; }

        public void Wrap(TrainingDynamicsRecorder recorder) => _recorder = recorder;

        public void Started(torch.nn.Module model) => EpochSeconds += Timed(() => _recorder!.Started(model));

        // Only an epoch's last step does work in the recorder (no StepInterval); the others cost it one comparison and
        // are passed on untimed, so that the two clock readings do not cost more than the call.
        public void BeforeUpdate(TrainingStep step)
        {
            if (step.LastOfEpoch) StepSeconds += Timed(() => _recorder!.BeforeUpdate(step));
            else _recorder!.BeforeUpdate(step);
        }

        public void AfterUpdate(TrainingStep step)
        {
            if (step.LastOfEpoch) StepSeconds += Timed(() => _recorder!.AfterUpdate(step));
            else _recorder!.AfterUpdate(step);
        }

        // The test evaluation's own forward pass runs inside this call but is the trainer's work, done without a
        // recorder too: only what the recorder adds around it (hooks, copies) counts.
        public torch.Tensor TestPass(Func<torch.Tensor> pass) => TimedTestPass(packedOutput => pass(), (recorder, timedPass) => recorder.TestPass(() => timedPass(null)));

        // SequenceTrainer's test pass: the recorder copies the packed LSTM output the model shows it from inside the
        // pass; that copy is the recorder's work and is counted back in.
        public torch.Tensor SequenceTestPass(Func<Action<string, torch.Tensor>?, torch.Tensor> pass) =>
            TimedTestPass(pass, (recorder, timedPass) => recorder.SequenceTestPass(timedPass));

        private torch.Tensor TimedTestPass(Func<Action<string, torch.Tensor>?, torch.Tensor> pass,
            Func<TrainingDynamicsRecorder, Func<Action<string, torch.Tensor>?, torch.Tensor>, torch.Tensor> call)
        {
            torch.Tensor? output = null;
            double forward = 0, shown = 0;
            double all = Timed(() => output = call(_recorder!, packedOutput =>
            {
                Action<string, torch.Tensor>? timedOutput = packedOutput is null ? null : (name, states) => shown += Timed(() => packedOutput(name, states));
                torch.Tensor? result = null;
                forward += Timed(() => result = pass(timedOutput));
                return result!;
            }));
            EpochSeconds += all - forward + shown;
            return output!;
        }

        public void EpochCompleted(DynamicsCheckpoint checkpoint) => EpochSeconds += Timed(() => _recorder!.EpochCompleted(checkpoint));

        public TrainingDynamics Result()
        {
            TrainingDynamics? result = null;
            EpochSeconds += Timed(() => result = _recorder!.Result());
            return result!;
        }

        private static double Timed(Action call)
        {
            double start = CpuClock.Thread();
            call();
            return CpuClock.Thread() - start;
        }
    }
}
