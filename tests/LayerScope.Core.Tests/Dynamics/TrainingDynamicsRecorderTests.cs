using LayerScope.Capture;
using LayerScope.Data;
using LayerScope.Dynamics;
using LayerScope.Models.Zoo;
using LayerScope.Training;
using LayerScope.Training.Dynamics;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Dynamics;

public class TrainingDynamicsRecorderTests
{
    private static (LabeledTensors Train, LabeledTensors Test) Blobs(int seed) => (Blobs(seed, 200), Blobs(seed, 200));

    private static LabeledTensors Blobs(int seed, int n)
    {
        var random = new Random(seed);
        var x = new float[n * 4];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % 2;
            for (int j = 0; j < 4; j++) x[i * 4 + j] = (float)(random.NextDouble() - 0.5 + (y[i] == 1 ? 1.5 : -1.5) * (j == 0 ? 1 : 0));
        }
        return LabeledTensors.FromArrays(x, [4], y);
    }

    [Fact]
    public void Every_layer_gets_one_value_per_epoch_and_histograms_of_each_kind()
    {
        torch.manual_seed(1);
        using var model = new BanknoteMlp([3, 2]);
        var (train, test) = Blobs(1);
        var recorder = new TrainingDynamicsRecorder(model.GetName(), new TrainingDynamicsOptions
        {
            Probe = TrainingDynamicsOptions.ProbeInputs(test.Features),
            StepInterval = 3,
        });
        Trainer.Fit(model, train, test, new TrainingOptions { Epochs = 4, BatchSize = 32 }, observer: recorder);
        var dynamics = recorder.Result();

        Assert.Equal([1, 2, 3, 4], dynamics.Checkpoints.Select(c => c.Epoch));
        Assert.Equal(7 * 4, dynamics.Checkpoints[^1].Step); // ceil(200 / 32) = 7 steps per epoch
        Assert.Equal(28 / 3, dynamics.Steps.Count);
        Assert.All(dynamics.Steps, s => Assert.True(s.GradientNorm > 0 && s.LearningRate == 0.01));
        var fc1 = dynamics.Layers.Single(l => l.Name == "fc1");
        Assert.Equal(["Weights", "Biases", "WeightGradients", "BiasGradients", "Activations"], fc1.Histograms.Select(h => h.Kind.ToString()));
        Assert.All(fc1.Histograms, h => Assert.Equal(4, h.Histograms.Count));
        Assert.Equal(12, fc1.Series(HistogramKind.Weights)!.Histograms[0].Count);
        // The last epoch's weight histogram describes the weights the model ended with, value for value.
        var weights = model.named_parameters().Single(p => p.name == "fc1.weight").parameter.data<float>().ToArray();
        var last = fc1.Series(HistogramKind.Weights)!.Histograms[^1];
        Assert.Equal(weights.Min(), last.Min, 6);
        Assert.Equal(weights.Max(), last.Max, 6);
        Assert.Equal(weights.Sum(w => (double)w), last.Sum, 5);
        Assert.Equal(200 * 3, fc1.Series(HistogramKind.Activations)!.Histograms[0].Count);
        Assert.All(fc1.GradientNorms, g => Assert.True(g > 0));
        Assert.All(fc1.UpdateRatios, r => Assert.InRange(r, 1e-6, 1));
        var relu = dynamics.Layers.Single(l => l.Name == "relu1");
        Assert.Equal(4, relu.UnitActivity.Count);
        Assert.All(relu.UnitActivity, units => Assert.Equal(3, units.Count));
    }

    [Fact]
    public void Capturing_during_the_test_evaluation_records_what_a_separate_probe_pass_records()
    {
        var train = Blobs(3, 200);
        // More test rows than Trainer.EvaluationBatch: the evaluation runs in three passes, which the recorder must join.
        var test = Blobs(4, 2 * Trainer.EvaluationBatch + 100);
        TrainingDynamics Record(TrainingDynamicsOptions options)
        {
            torch.manual_seed(3);
            using var model = new BanknoteMlp([3, 2]);
            var recorder = new TrainingDynamicsRecorder(model.GetName(), options);
            Trainer.Fit(model, train, test, new TrainingOptions { Epochs = 2, BatchSize = 32 }, observer: recorder);
            return recorder.Result();
        }
        var separate = Record(new TrainingDynamicsOptions { Probe = TrainingDynamicsOptions.ProbeInputs(test.Features) });
        var shared = Record(new TrainingDynamicsOptions { ProbeTestSet = true });

        foreach (var layer in separate.Layers)
        {
            var other = shared.Layers.Single(l => l.Name == layer.Name);
            var expected = layer.Series(HistogramKind.Activations);
            var actual = other.Series(HistogramKind.Activations);
            Assert.NotNull(expected);
            Assert.NotNull(actual);
            for (int e = 0; e < 2; e++)
            {
                Assert.Equal(expected.Histograms[e].Count, actual.Histograms[e].Count);
                Assert.Equal(expected.Histograms[e].FirstBin, actual.Histograms[e].FirstBin);
                Assert.Equal(expected.Histograms[e].Counts, actual.Histograms[e].Counts);
                Assert.Equal(expected.Histograms[e].Sum, actual.Histograms[e].Sum, 1e-3);
            }
            Assert.Equal(layer.UnitActivity.Count, other.UnitActivity.Count);
            for (int e = 0; e < layer.UnitActivity.Count; e++) Assert.Equal(layer.UnitActivity[e], other.UnitActivity[e]);
        }
        Assert.Equal(2 * Trainer.EvaluationBatch + 100, shared.Layers.Single(l => l.Name == "sigmoid").Series(HistogramKind.Activations)!.Histograms[0].Count);
    }

    [Fact]
    public void An_lstm_run_on_packed_test_batches_gets_histograms_of_its_hidden_states_over_the_valid_steps()
    {
        var train = Tests.Training.SequenceTrainerTests.Synthetic(60, 5);
        var test = Tests.Training.SequenceTrainerTests.Synthetic(25, 6);
        torch.manual_seed(5);
        using var model = new VowelsLstm(inputs: 3, hiddenUnits: 6, classes: 3);
        var recorder = new TrainingDynamicsRecorder(model.GetName(), new TrainingDynamicsOptions { ProbeTestSet = true });
        SequenceTrainer.Fit(model, train, test, new TrainingOptions { Epochs = 2, BatchSize = 16 }, observer: recorder);
        var dynamics = recorder.Result();

        // What the vowels demo captures: the trained LSTM stepped through the test sequences.
        LstmStates states;
        using (var batch = SequenceBatch.PadAll(test))
        {
            states = LstmStepper.Run(model.Lstm, batch.Inputs, Enumerable.Range(0, test.Count).Select(test.Length).ToArray());
        }
        long validSteps = Enumerable.Range(0, test.Count).Sum(test.Length);
        Assert.True(validSteps < test.Count * test.MaxLength); // padding exists and must be left out
        var hidden = states.Hidden.Where(float.IsFinite).ToArray();
        var lstm = dynamics.Layers.Single(l => l.Name == "lstm");
        Assert.Equal("LSTM", lstm.ModuleType);
        var series = lstm.Series(HistogramKind.Activations);
        Assert.NotNull(series);
        Assert.Equal([1, 2], series.Epochs);
        Assert.All(series.Histograms, h => Assert.Equal(validSteps * 6, h.Count));
        Assert.All(series.Histograms, h => Assert.Equal(0, h.NonFinite));
        // The last epoch's histogram is of the states the trained model computes.
        var last = series.Histograms[^1];
        Assert.Equal(hidden.Min(), last.Min, 5);
        Assert.Equal(hidden.Max(), last.Max, 5);
        Assert.Equal(hidden.Sum(v => (double)v), last.Sum, 2);
        // tanh-bounded states: no dead-unit flags, which mean something for ReLU units only.
        Assert.Empty(lstm.UnitActivity);
        // The LSTM's own weights are still recorded, and the layer after it too.
        Assert.NotNull(lstm.Series(HistogramKind.Weights));
        Assert.NotNull(dynamics.Layers.Single(l => l.Name == "fc").Series(HistogramKind.Activations));
    }

    [Fact]
    public void Lstm_layers_of_the_char_rnn_get_histograms_of_h_t_at_every_probe_step()
    {
        const int vocabulary = 5, hidden = 4, steps = 17;
        var random = new Random(7);
        var text = Enumerable.Range(0, 400).Select(_ => random.Next(vocabulary)).ToArray();
        torch.manual_seed(7);
        using var model = new CharRnn(vocabulary, hidden, layers: 2);
        using var probe = torch.nn.functional.one_hot(torch.tensor(text.Take(steps).Select(i => (long)i).ToArray()), vocabulary).to(ScalarType.Float32).unsqueeze(0);
        var recorder = new TrainingDynamicsRecorder(model.GetName(), new TrainingDynamicsOptions { Probe = TrainingDynamicsOptions.ProbeInputs(probe) });
        CharRnnTrainer.Fit(model, text, new CharRnnTrainingOptions { Steps = 6, BatchSize = 4, SequenceLength = 10 }, observer: recorder);
        var dynamics = recorder.Result();

        // The char-RNN demo's capture: the layers' states stepped through the probe sequence.
        var stepped = model.CellStates(probe[0]);
        for (int i = 0; i < 2; i++)
        {
            var series = dynamics.Layers.Single(l => l.Name == CharRnn.LayerName(i)).Series(HistogramKind.Activations);
            Assert.NotNull(series);
            Assert.All(series.Histograms, h => Assert.Equal(steps * hidden, h.Count));
            Assert.Equal(stepped[i].Hidden.Min(), series.Histograms[^1].Min, 5);
            Assert.Equal(stepped[i].Hidden.Max(), series.Histograms[^1].Max, 5);
        }
    }

    [Fact]
    public void Two_probe_batches_at_once_are_refused_naming_both_settings()
    {
        using var probe = torch.zeros(2, 4);
        var error = Assert.Throws<Errors.InvalidSettingsException>(() => new TrainingDynamicsRecorder("m", new TrainingDynamicsOptions
        {
            Probe = TrainingDynamicsOptions.ProbeInputs(probe), ProbeTestSet = true,
        }));
        Assert.Contains("TrainingDynamicsOptions.ProbeTestSet", error.Message, StringComparison.Ordinal);
        Assert.Contains("TrainingDynamicsOptions.Probe ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_unit_whose_bias_keeps_it_negative_is_never_active()
    {
        torch.manual_seed(2);
        using var model = new BanknoteMlp([4]);
        var fc1 = (TorchSharp.Modules.Linear)model.named_modules().Single(m => m.name == "fc1").module;
        using (torch.no_grad())
        {
            // Unit 2 gets zero weights and a bias of -5: its pre-activation is -5 for every input, so ReLU gives 0,
            // its gradient is 0 and Adam never moves it. It is dead from the start.
            fc1.weight![2].zero_();
            fc1.bias![2].fill_(-5);
        }
        var (train, test) = Blobs(2);
        var recorder = new TrainingDynamicsRecorder(model.GetName(), new TrainingDynamicsOptions { Probe = TrainingDynamicsOptions.ProbeInputs(test.Features) });
        Trainer.Fit(model, train, test, new TrainingOptions { Epochs = 3 }, observer: recorder);

        var activity = recorder.Result().Layers.Single(l => l.Name == "relu1").UnitActivity;
        Assert.All(activity, units => Assert.Equal(0, units[2]));
        Assert.All(activity, units => Assert.True(units.Where((_, u) => u != 2).Any(a => a > 0)));
    }

    [Fact]
    public void Unit_activity_takes_channels_of_feature_maps_and_the_last_axis_otherwise()
    {
        // [2 examples, 2 channels, 1, 2]: channel 0 fires in example 0 only, channel 1 never.
        var maps = new float[] { 0, 1, 0, 0, 0, 0, 0, -1 };
        Assert.Equal([0.5, 0.0], TrainingDynamicsRecorder.UnitActivity(maps, [2, 2, 1, 2]));
        // [2 examples, 3 units].
        Assert.Equal([1.0, 0.5, 0.0], TrainingDynamicsRecorder.UnitActivity([1, 1, 0, 2, 0, 0], [2, 3]));
        // [2 examples, 2 time steps, 2 units]: unit 0 fires at the second step of example 1 only, unit 1 at the first
        // step of both; NaN is not firing.
        Assert.Equal([0.5, 1.0], TrainingDynamicsRecorder.UnitActivity([0, 3, float.NaN, 0, -1, 2, 4, 0], [2, 2, 2]));
    }
}
