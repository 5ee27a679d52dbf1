using System.Diagnostics;
using System.Globalization;
using LayerScope.Data;
using LayerScope.Data.Images;
using LayerScope.Data.Loaders;
using LayerScope.Models.Zoo;
using LayerScope.Training;
using LayerScope.Training.Dynamics;
using TorchSharp;

namespace LayerScope.Benchmarks;

/// <summary>
/// What recording training dynamics costs (<c>-- dynamics [repetitions] [banknote|vowels|cnn ...]</c>): each
/// demo's training as the demo trains it, without an observer and with a <see cref="TrainingDynamicsRecorder"/>
/// recording every layer's histograms every epoch on the demo's probe batch. Banknote: both MLPs, 20 epochs, batch 32,
/// Adam 0.01, probe the 412 test rows. Vowels: LSTM(100), 12 epochs, batch 27, Adam 0.01, gradient clipping 1, probe
/// the 370 test sequences. CNN: <see cref="FashionCnn"/> on the first <see cref="CnnTrainImages"/> training images
/// (of 60,000, to keep a repetition short; the recorder's cost is per epoch, not per image, so this short epoch
/// overstates the ratio of the demo's 60,000-image epochs) and
/// <see cref="CnnTestImages"/> test images, 2 epochs, batch 64, Adam 1e-3, probe 256 test images. Every run evaluates
/// train and test after every epoch, as the demos do. Runs alternate (plain, recorded, plain, ...) so that drift in the
/// machine's load hits both; the median of each is compared. Budget: at most 10 % more. Data from LAYERSCOPE_DATA or
/// ../shared/data.
/// </summary>
public static class DynamicsOverhead
{
    /// <summary>Training images of the CNN case.</summary>
    public const int CnnTrainImages = 2_000;

    /// <summary>Test images of the CNN case (evaluated every epoch; the first 256 are the probe batch).</summary>
    public const int CnnTestImages = 500;

    public static int Run(string[] args)
    {
        int repetitions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 9;
        var chosen = args.Length > 1 ? args[1..] : ["banknote", "vowels", "cnn"];
        var folder = Environment.GetEnvironmentVariable("LAYERSCOPE_DATA") is { Length: > 0 } env ? env : Path.GetFullPath(Path.Combine("..", "shared", "data"));
        var data = DataDirectory.Choose(folder);
        int worst = 0;
        foreach (var name in chosen)
        {
            foreach (var (label, train) in Cases(name, data))
            {
                var plain = new List<double>();
                var recorded = new List<double>();
                train(false); // warm-up: JIT and libtorch's first calls
                train(true);
                for (int r = 0; r < repetitions; r++)
                {
                    plain.Add(train(false));
                    recorded.Add(train(true));
                }
                double a = Median(plain), b = Median(recorded), ratio = b / a;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{label}: plain {a * 1000:0} ms, recorded {b * 1000:0} ms (median of {repetitions}), ratio {ratio:0.000}"));
                if (ratio > 1.10) worst = 1;
            }
        }
        return worst;
    }

    /// <summary>The trainings of one demo, each as "seconds of one run, recorded or not".</summary>
    private static IEnumerable<(string Label, Func<bool, double> Train)> Cases(string name, DataDirectoryChoice data) => name switch
    {
        "banknote" => Banknote(data),
        "vowels" => [("vowels-lstm", Vowels(data))],
        "cnn" => [($"fashion-cnn ({CnnTrainImages:N0} training images)", Cnn(data))],
        _ => throw new ArgumentException($"Unknown case '{name}'; use banknote, vowels or cnn.", nameof(name)),
    };

    private static IEnumerable<(string, Func<bool, double>)> Banknote(DataDirectoryChoice data)
    {
        var table = BanknoteLoader.Load(data);
        var (trainTable, testTable) = table.Split(0.3, 42);
        var standardizer = Standardizer.Fit(trainTable.Features, trainTable.Columns);
        var train = LabeledTensors.FromArrays(standardizer.Transform(trainTable.Features), [trainTable.Columns], trainTable.Labels);
        var test = LabeledTensors.FromArrays(standardizer.Transform(testTable.Features), [testTable.Columns], testTable.Labels);
        var options = new TrainingOptions { Epochs = 20, BatchSize = 32, LearningRate = 0.01, Seed = 42 };
        foreach (var widths in new[] { new[] { 2 }, new[] { 3, 2 } })
        {
            yield return (BanknoteMlp.NameFor(4, widths), record => Time(options.Seed, () => new BanknoteMlp(widths), record,
                test.Features, (model, observer) => Trainer.Fit(model, train, test, options, observer: observer)));
        }
    }

    private static Func<bool, double> Vowels(DataDirectoryChoice data)
    {
        var trainSet = JapaneseVowelsLoader.LoadTrain(data);
        var testSet = JapaneseVowelsLoader.LoadTest(data);
        var standardizer = Standardizer.Fit(trainSet.ConcatenatedFrames(), trainSet.Features);
        var train = trainSet.MapSequences(standardizer.Transform);
        var test = testSet.MapSequences(standardizer.Transform);
        var probe = SequenceBatch.PadAll(test);
        var options = new TrainingOptions { Epochs = 12, BatchSize = 27, LearningRate = 0.01, Seed = 42, Objective = ClassificationObjective.Multiclass };
        return record =>
        {
            torch.manual_seed(options.Seed);
            using var model = new VowelsLstm(train.Features, 100, train.ClassNames.Count);
            var recorder = record
                ? new TrainingDynamicsRecorder(model.GetName(), new TrainingDynamicsOptions { Probe = m => ((VowelsLstm)m).Classify(probe.Inputs, probe.Lengths).Dispose() })
                : null;
            var watch = Stopwatch.StartNew();
            SequenceTrainer.Fit(model, train, test, options, observer: recorder);
            recorder?.Result();
            return watch.Elapsed.TotalSeconds;
        };
    }

    private static Func<bool, double> Cnn(DataDirectoryChoice data)
    {
        static LabeledTensors Tensors(LabeledImages images) => LabeledTensors.FromArrays(images.Pixels, [1, images.Height, images.Width], images.Labels);
        var train = Tensors(FashionMnistLoader.Load(data, FashionMnistSplit.Train).Take(CnnTrainImages));
        var test = Tensors(FashionMnistLoader.Load(data, FashionMnistSplit.Test).Take(CnnTestImages));
        var probe = test.Features.narrow(0, 0, 256);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 64, LearningRate = 1e-3, Seed = 42, Objective = ClassificationObjective.Multiclass };
        return record => Time(options.Seed, () => new FashionCnn(), record, probe, (model, observer) => Trainer.Fit(model, train, test, options, observer: observer));
    }

    private static double Time<TModel>(int seed, Func<TModel> create, bool record, torch.Tensor probe, Action<TModel, ITrainingObserver?> fit)
        where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>
    {
        torch.manual_seed(seed);
        using var model = create();
        var recorder = record ? new TrainingDynamicsRecorder(model.GetName(), new TrainingDynamicsOptions { Probe = TrainingDynamicsOptions.ProbeInputs(probe) }) : null;
        var watch = Stopwatch.StartNew();
        fit(model, recorder);
        recorder?.Result();
        return watch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
