using System.Diagnostics;
using System.Globalization;
using LayerScope.Data;
using LayerScope.Data.Loaders;
using LayerScope.Models.Zoo;
using LayerScope.Training;
using LayerScope.Training.Dynamics;
using TorchSharp;

namespace LayerScope.Benchmarks;

/// <summary>
/// What recording training dynamics costs (<c>-- dynamics [repetitions]</c>): the banknote demo's two MLPs trained
/// as the demo trains them (20 epochs, batch 32, Adam 0.01, evaluation after every epoch), without an observer and
/// with a <see cref="TrainingDynamicsRecorder"/> recording every layer's histograms every epoch on the test set as
/// probe batch. Runs alternate (plain, recorded, plain, ...) so that drift in the machine's load hits both; the
/// median of each is compared. Budget: at most 10 % more. Data from LAYERSCOPE_DATA or ../shared/data.
/// </summary>
public static class DynamicsOverhead
{
    public static int Run(string[] args)
    {
        int repetitions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 9;
        var folder = Environment.GetEnvironmentVariable("LAYERSCOPE_DATA") is { Length: > 0 } env ? env : Path.GetFullPath(Path.Combine("..", "shared", "data"));
        var table = BanknoteLoader.Load(DataDirectory.Choose(folder));
        var (trainTable, testTable) = table.Split(0.3, 42);
        var standardizer = Standardizer.Fit(trainTable.Features, trainTable.Columns);
        var train = LabeledTensors.FromArrays(standardizer.Transform(trainTable.Features), [trainTable.Columns], trainTable.Labels);
        var test = LabeledTensors.FromArrays(standardizer.Transform(testTable.Features), [testTable.Columns], testTable.Labels);
        var options = new TrainingOptions { Epochs = 20, BatchSize = 32, LearningRate = 0.01, Seed = 42 };
        int worst = 0;
        foreach (var widths in new[] { new[] { 2 }, new[] { 3, 2 } })
        {
            var plain = new List<double>();
            var recorded = new List<double>();
            Train(widths, train, test, options, record: false); // warm-up: JIT and libtorch's first calls
            Train(widths, train, test, options, record: true);
            for (int r = 0; r < repetitions; r++)
            {
                plain.Add(Train(widths, train, test, options, record: false));
                recorded.Add(Train(widths, train, test, options, record: true));
            }
            double a = Median(plain), b = Median(recorded), ratio = b / a;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{BanknoteMlp.NameFor(4, widths)}: plain {a * 1000:0} ms, recorded {b * 1000:0} ms (median of {repetitions}), ratio {ratio:0.000}"));
            if (ratio > 1.10) worst = 1;
        }
        return worst;
    }

    private static double Train(int[] widths, LabeledTensors train, LabeledTensors test, TrainingOptions options, bool record)
    {
        torch.manual_seed(options.Seed);
        using var model = new BanknoteMlp(widths);
        var recorder = record
            ? new TrainingDynamicsRecorder(model.GetName(), new TrainingDynamicsOptions { Probe = TrainingDynamicsOptions.ProbeInputs(test.Features) })
            : null;
        var watch = Stopwatch.StartNew();
        Trainer.Fit(model, train, test, options, observer: recorder);
        recorder?.Result();
        return watch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
