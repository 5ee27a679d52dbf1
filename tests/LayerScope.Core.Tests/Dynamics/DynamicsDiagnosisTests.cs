using LayerScope.Dynamics;
using LayerScope.Rendering.Html;
using LayerScope.Storage;
using LayerScope.Testing;
using LayerScope.Workflows.Sections;

namespace LayerScope.Tests.Dynamics;

public class DynamicsDiagnosisTests
{
    private static LayerDynamics Layer(string name, string type, double[] norms, IReadOnlyList<IReadOnlyList<double>>? activity = null) => new()
    {
        Name = name, ModuleType = type, GradientNorms = norms, UpdateRatios = [.. norms.Select(_ => 1e-3)], UnitActivity = activity ?? [],
    };

    private static TrainingDynamics Dynamics(params LayerDynamics[] layers) => new()
    {
        Network = "net",
        Checkpoints = [new DynamicsCheckpoint(1, 10, 0.7, 0.5, 0.7, 0.5, 0.01), new DynamicsCheckpoint(2, 20, 0.5, 0.8, 0.6, 0.7, 0.01)],
        GradientNorms = [1, 1],
        Layers = layers,
    };

    [Fact]
    public void Dead_units_vanishing_and_exploding_layers_are_flagged_and_healthy_ones_are_not()
    {
        var health = DynamicsDiagnosis.Diagnose(Dynamics(
            Layer("fc1", "Linear", [1e-3, 1e-9]),                       // 1e-9 of the largest (fc3): vanishing
            Layer("relu1", "ReLU", [double.NaN, double.NaN], [[0.5, 0.0, 1.0], [0.4, 0.0, 0.9]]),
            Layer("fc2", "Linear", [0.5, 0.8]),
            Layer("fc3", "Linear", [1, 5e3])));                          // above 1e3: exploding

        Assert.Equal(["fc1", "relu1", "fc2", "fc3"], health.Select(h => h.Layer));
        Assert.True(health[0].Vanishing && !health[0].Exploding);
        Assert.Equal([1], health[1].DeadUnits);
        Assert.Equal(3, health[1].Units);
        Assert.False(health[2].Flagged);
        Assert.True(health[3].Exploding && !health[3].Vanishing);
    }

    [Fact]
    public void The_section_writes_both_views_per_layer_and_a_table_with_the_flags()
    {
        var binning = new HistogramBinning(HistogramKind.Weights);
        binning.Add(1, [[0.1f, -0.2f, 0.3f]]);
        binning.Add(2, [[0.2f, -0.4f, 0.6f]]);
        var layer = Layer("fc1", "Linear", [0.5, 0.4]) with { Histograms = [binning.Result()] };
        using var folder = new TemporaryFolder();
        using var output = StagedDirectory.Create(folder.File("out"), "report.html");
        var report = new ReportBuilder("t");

        var health = new TrainingDynamicsSection(Dynamics(layer, Layer("relu1", "ReLU", [double.NaN, double.NaN], [[0, 1], [0, 1]]))).AddTo(report, output);

        foreach (var file in new[] { "fc1-weights-distributions.png", "fc1-weights-histograms.png", "gradient-norms.png", "update-ratios.png", "loss.png" })
            Assert.True(File.Exists(Path.Combine(output.Path, "dynamics", file)), file);
        var html = report.Build();
        Assert.Contains("1 of 2 (0)", html);
        Assert.Contains("dead units", html);
        Assert.Equal([0], health.Single(h => h.Layer == "relu1").DeadUnits);
    }

    [Fact]
    public void A_recurrent_layers_hidden_states_are_drawn_beside_its_weights_but_a_linear_layers_outputs_are_not()
    {
        static HistogramSeries Series(HistogramKind kind)
        {
            var binning = new HistogramBinning(kind);
            binning.Add(1, [[0.1f, -0.2f, 0.3f]]);
            binning.Add(2, [[0.2f, -0.4f, 0.6f]]);
            return binning.Result();
        }
        LayerDynamics WithWeights(string name, string type) =>
            Layer(name, type, [0.5, 0.4]) with { Histograms = [Series(HistogramKind.Weights), Series(HistogramKind.Activations)] };

        Assert.True(TrainingDynamicsSection.Drawn(WithWeights("lstm", "LSTM"), HistogramKind.Activations));
        Assert.True(TrainingDynamicsSection.Drawn(WithWeights("gru", "GRU"), HistogramKind.Activations));
        Assert.False(TrainingDynamicsSection.Drawn(WithWeights("fc", "Linear"), HistogramKind.Activations));

        using var folder = new TemporaryFolder();
        using var output = StagedDirectory.Create(folder.File("out"), "report.html");
        new TrainingDynamicsSection(Dynamics(WithWeights("lstm", "LSTM"))).AddTo(new ReportBuilder("t"), output);
        foreach (var file in new[] { "lstm-activations-distributions.png", "lstm-activations-histograms.png" })
            Assert.True(File.Exists(Path.Combine(output.Path, "dynamics", file)), file);
    }
}
