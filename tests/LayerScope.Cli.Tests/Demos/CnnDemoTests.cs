using System.Text.Json;
using LayerScope.Runs;
using LayerScope.Testing;

namespace LayerScope.Cli.Tests.Demos;

/// <summary>A small CNN demo run on the real Fashion-MNIST files (a few hundred images, one epoch, short synthesis),
/// shared by the tests below; the full default run is for a person or the benchmark.</summary>
public sealed class CnnDemoRun : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public CnnDemoRun()
    {
        if (TestData.SkipReasonForData(TestImages) is not null || TestData.SkipReasonForData(TrainImages) is not null) return;
        Output = Path.Combine(_folder.Path, "cnn");
        TensorBoard = Path.Combine(_folder.Path, "tensorboard");
        Cli = CliRun.Of("demo", "cnn", "--data", TestData.DataDirectory ?? "missing", "--out", Output,
            "--epochs", "2", "--train-limit", "600", "--test-limit", "200", "--synthesis-steps", "4", "--tensorboard", TensorBoard);
    }

    public const string TrainImages = "fashion-mnist/train-images-idx3-ubyte.gz";
    public const string TestImages = "fashion-mnist/t10k-images-idx3-ubyte.gz";
    public string Output { get; } = "";
    public string TensorBoard { get; } = "";
    public CliRun? Cli { get; }

    public void Dispose() => _folder.Dispose();
}

public class CnnDemoTests(CnnDemoRun run) : IClassFixture<CnnDemoRun>
{
    [DataFact(CnnDemoRun.TestImages)]
    public void Every_promised_file_is_written()
    {
        Assert.True(run.Cli!.ExitCode == 0, run.Cli.Error);
        string[] files =
        [
            "report.html", "metrics.json", "run.json", "loss.png", "accuracy.png", "test-images.npy", "relu3.npy", "relu3-tsne.npy",
            "feature-maps/relu1-image-0.png", "feature-maps/relu2-image-2.png", "top-images/relu1-images.png", "top-images/relu2-patches.png",
            "synthesized/relu1.png", "synthesized/relu2.png", "synthesized/fc2-classes.png", "relevance/relevance-maps.png",
        ];
        foreach (var file in files) Assert.True(File.Exists(Path.Combine(run.Output, file)), $"missing {file}");
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Output, "metrics.json")));
        double accuracy = metrics.RootElement.GetProperty("testAccuracy").GetDouble();
        Assert.True(accuracy > 0.3, $"one epoch on 600 images should beat chance (0.1) clearly; test accuracy {accuracy:0.000}");
        Assert.Contains("synthesis reaches 10× the mean activation", run.Cli.Output);
    }

    [DataFact(CnnDemoRun.TestImages)]
    public void The_run_reads_back_with_image_inputs_and_the_penultimate_layer()
    {
        Assert.True(run.Cli!.ExitCode == 0, run.Cli.Error);
        var manifest = RunManifestReader.Read(run.Output);
        Assert.Equal(200, manifest.Points);
        Assert.Equal(RunInputs.ImageKind, manifest.Inputs!.Kind);
        Assert.Equal(28, manifest.Inputs.Width);
        Assert.Equal(28, manifest.Inputs.Height);
        Assert.Contains(manifest.Layers, l => l.Name == "relu3" && l.Units == 128);
        Assert.Contains(manifest.Embeddings, e => e.Layer == "relu3" && e.Method == RunEmbedding.TsneMethod);
        Assert.Contains(manifest.Activations, a => a.Layer == "relu3");
        // The units view: every conv layer's channels with a synthesis each, and maps of only as many of the first
        // points as fit the budget (relu1's 32 × 28 × 28 maps: 4 M / 25,088 = 159 of the 200).
        // The class logits come last, with each class's synthesized image.
        Assert.Equal(["relu1", "relu2", "fc2"], manifest.Units.Select(u => u.Layer));
        Assert.All(manifest.Units, u => Assert.NotNull(u.Synthesis));
        Assert.Equal(["unit (14, 14)", "unit (7, 7)", "class logit"], manifest.Units.Select(u => u.SynthesisObjective));
        // Beside each image, its objective before and after: never below the start (the best image is kept).
        foreach (var units in manifest.Units)
        {
            var scores = LayerScope.Storage.Npy.NpyReader.ReadFloat32(Path.Combine(run.Output, units.SynthesisScores!));
            Assert.Equal([units.Channels, RunUnits.ScoreFields], scores.Shape);
            for (int c = 0; c < units.Channels; c++) Assert.True(scores.Values[c * 3 + 1] >= scores.Values[c * 3], $"{units.Layer} channel {c}");
        }
        var maps = LayerScope.Storage.Npy.NpyReader.Read(Path.Combine(run.Output, manifest.Units[0].Maps!));
        Assert.Equal(manifest.Units[0].Channels, maps.Shape[1]);
        Assert.Equal(LayerScope.Units.UnitTopTable.MapPoints(200, maps.Shape[1] * maps.Shape[2] * maps.Shape[3]), maps.Shape[0]);
        Assert.InRange(maps.Shape[0], 1, 199);
    }

    [DataFact(CnnDemoRun.TestImages)]
    public void Tensorboard_holds_both_epochs_with_conv_histograms_and_the_image_sprite()
    {
        Assert.True(run.Cli!.ExitCode == 0, run.Cli.Error);
        var values = Assert.Single(DemoTensorBoardFiles.Check(run.Output, run.TensorBoard, 2)).Value;
        // The probe batch is 200 test images here (fewer than 256): relu1's 200 × C × 28 × 28 values per epoch.
        var relu1 = values.Where(x => x.Value.Tag == "relu1/activations").ToList();
        Assert.Equal(2, relu1.Count);
        Assert.All(relu1, x => Assert.True(x.Value.Histogram!.Num % (200 * 28 * 28) == 0, $"{x.Value.Histogram!.Num} values"));
        Assert.Contains(values, x => x.Value.Tag == "dead_units/relu3");
        Assert.True(File.Exists(Path.Combine(run.TensorBoard, "projector", "sprite.png")));
    }
}
