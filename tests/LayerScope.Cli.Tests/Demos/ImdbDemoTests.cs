using System.Diagnostics;
using System.Text.Json;
using LayerScope.Cli.Demos;
using LayerScope.Runs;
using LayerScope.Testing;
using Xunit.Abstractions;

namespace LayerScope.Cli.Tests.Demos;

/// <summary>A small IMDB run through the command line (a few hundred reviews, one epoch, short reviews), shared by the
/// tests below.</summary>
public sealed class ImdbDemoRun : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public ImdbDemoRun()
    {
        if (TestData.SkipReasonForData(DataFile) is not null) return;
        Output = Path.Combine(_folder.Path, "imdb");
        TensorBoard = Path.Combine(_folder.Path, "tensorboard");
        var watch = Stopwatch.StartNew();
        Cli = CliRun.Of("demo", "imdb", "--data", TestData.DataDirectory ?? "missing", "--out", Output,
            "--train-limit", "400", "--test-limit", "300", "--epochs", "1", "--maxlen", "40", "--max-features", "3000", "--tensorboard", TensorBoard);
        Elapsed = watch.Elapsed;
    }

    public const string DataFile = "imdb/aclImdb-labeled.tar.gz";
    public string Output { get; } = "";
    public string TensorBoard { get; } = "";
    public CliRun? Cli { get; }
    public TimeSpan Elapsed { get; }

    /// <summary>The same small run as options, for runs through the library.</summary>
    public static ImdbDemoOptions SmallOptions(string output) => new()
    {
        DataDirectory = TestData.DataDirectory, OutputDirectory = output, TrainLimit = 300, TestLimit = 200, Epochs = 1, MaxLength = 30,
        MaxFeatures = 2000, EmbeddingSize = 16, Units = 8,
    };

    public void Dispose() => _folder.Dispose();
}

/// <summary>libtorch's random generator is process-wide: a demo training in a parallel test class would draw from it
/// between this test's seeding and its dropout masks, so these tests run while no other test does.</summary>
[CollectionDefinition(nameof(ImdbDemoTests), DisableParallelization = true)]
public sealed class ImdbDemoCollection;

[Collection(nameof(ImdbDemoTests))]
public class ImdbDemoTests(ImdbDemoRun run, ITestOutputHelper log) : IClassFixture<ImdbDemoRun>
{
    [DataFact(ImdbDemoRun.DataFile)]
    public void A_small_run_completes_quickly_and_writes_every_promised_file()
    {
        Assert.True(run.Cli!.ExitCode == 0, run.Cli.Error);
        log.WriteLine($"small run: {run.Elapsed.TotalSeconds:0.0} s");
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(60), $"the small run took {run.Elapsed.TotalSeconds:0} s");
        foreach (var file in new[] { "report.html", "metrics.json", "run.json", "loss.png", "accuracy.png", "pca-variance.png", "tsne-by-class.png",
                     "tsne-by-correctness.png", "epochs/bilstm-epoch-01.png", "reviews.json", "bilstm-tsne.npy" })
            Assert.True(File.Exists(Path.Combine(run.Output, file)), $"{file} is missing");
        Assert.Matches(@"throughput: training [\d,]+ reviews/s, capture [\d,]+ reviews/s", run.Cli.Output);
        Assert.Contains("test accuracy", run.Cli.Output);
    }

    [DataFact(ImdbDemoRun.DataFile)]
    public void Metrics_hold_the_history_scores_confusion_matrix_variance_quality_and_throughput()
    {
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Output, "metrics.json")));
        var root = metrics.RootElement;
        Assert.Equal(1, root.GetProperty("history").GetArrayLength());
        Assert.Equal(300, root.GetProperty("testReviews").GetInt32());
        Assert.Equal(320 + 80, root.GetProperty("trainReviews").GetInt32() + root.GetProperty("validationReviews").GetInt32());
        var counts = root.GetProperty("confusionMatrix").GetProperty("counts").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal(300, counts.Sum(r => r.Sum()));
        Assert.Equal([150, 150], counts.Select(r => r.Sum())); // the test subset is class-balanced
        double accuracy = root.GetProperty("classification").GetProperty("accuracy").GetDouble();
        Assert.Equal((counts[0][0] + counts[1][1]) / 300.0, accuracy, 12);
        var variance = root.GetProperty("pcaExplainedVarianceRatio").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.Equal(20, variance.Count);
        Assert.True(variance.Sum() is > 0 and <= 1 + 1e-9);
        Assert.Equal(variance.OrderByDescending(v => v), variance);
        var quality = root.GetProperty("tsneQuality").GetProperty("byClass");
        Assert.InRange(quality.GetProperty("trustworthiness").GetDouble(), 0.5, 1);
        Assert.True(root.GetProperty("throughput").GetProperty("trainingReviewsPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("throughput").GetProperty("captureReviewsPerSecond").GetDouble() > 0);
        var mistakes = root.GetProperty("mistakes").EnumerateArray().Select(m => m.GetProperty("confidence").GetDouble()).ToList();
        Assert.Equal(Math.Min(10, 300 - (counts[0][0] + counts[1][1])), mistakes.Count);
        Assert.Equal(mistakes.OrderByDescending(c => c), mistakes);
        Assert.All(mistakes, c => Assert.InRange(c, 0.5, 1));
    }

    [DataFact(ImdbDemoRun.DataFile)]
    public void The_run_reads_back_with_the_bilstm_layer_per_epoch_the_tsne_embedding_and_the_review_texts()
    {
        var manifest = RunManifestReader.Read(run.Output);
        Assert.Equal(300, manifest.Points);
        Assert.Equal(["bilstm"], manifest.Layers.Select(l => l.Name));
        Assert.Equal(128, manifest.Layers[0].Units);
        Assert.Equal([1], manifest.Activations.Select(a => a.Epoch));
        Assert.Contains(manifest.Embeddings, e => e.Method == "pca" && e.Epoch == 1);
        Assert.Contains(manifest.Embeddings, e => e.Method == "tsne" && e.Epoch is null);
        Assert.Equal(["sentiment", "predicted", "correct", "P(positive)"], manifest.Columns.Select(c => c.Name));
        Assert.Equal(RunInputs.TextKind, manifest.Inputs!.Kind);
        var texts = JsonSerializer.Deserialize<List<string>>(File.ReadAllText(Path.Combine(run.Output, manifest.Inputs.File!)))!;
        Assert.Equal(300, texts.Count);
        Assert.All(texts, t => Assert.DoesNotContain("<br", t, StringComparison.OrdinalIgnoreCase));
    }

    [DataFact(ImdbDemoRun.DataFile)]
    public void The_report_has_every_section_and_the_confidently_wrong_reviews_with_their_text()
    {
        var html = File.ReadAllText(Path.Combine(run.Output, "report.html"));
        foreach (var part in new[] { "bilstm.lstm", "validation", "of the variance", "Trustworthiness", "10-NN label accuracy", "precision",
                     "true \\ predicted", "most confidently wrong reviews", "epoch 1" })
            Assert.Contains(part, html);
        Assert.DoesNotContain("src=\"http", html);
    }

    [DataFact(ImdbDemoRun.DataFile)]
    public void Tensorboard_holds_the_epoch_with_embedding_and_bilstm_histograms()
    {
        Assert.True(run.Cli!.ExitCode == 0, run.Cli.Error);
        var values = Assert.Single(DemoTensorBoardFiles.Check(run.Output, run.TensorBoard, 1)).Value;
        // The embedding's weights: 3,000 words × 128 dimensions.
        Assert.Equal(3000 * 128, Assert.Single(values, x => x.Value.Tag == "embedding/weights").Value.Histogram!.Num);
        Assert.Contains(values, x => x.Value.Tag == "accuracy/held_out");
    }

    [DataFact(ImdbDemoRun.DataFile)]
    public void Equal_seeds_give_equal_metrics()
    {
        using var folder = new TemporaryFolder();
        var first = ImdbDemo.Run(ImdbDemoRun.SmallOptions(folder.File("a")));
        var second = ImdbDemo.Run(ImdbDemoRun.SmallOptions(folder.File("b")));
        Assert.Equal(first.Epochs, second.Epochs);
        Assert.Equal(first.Classification.AllRows, second.Classification.AllRows);
        Assert.Equal(File.ReadAllBytes(folder.File("a/epochs/bilstm-e01.npy")), File.ReadAllBytes(folder.File("b/epochs/bilstm-e01.npy")));
        Assert.Equal(File.ReadAllBytes(folder.File("a/bilstm-tsne.npy")), File.ReadAllBytes(folder.File("b/bilstm-tsne.npy")));
    }

    [Fact]
    public void An_option_of_another_demo_is_refused()
    {
        var result = CliRun.Of("demo", "imdb", "--observation", "3", "--out", "never-written");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--observation is an option of demo vowels, not of demo imdb", result.Error);
        Assert.False(Directory.Exists("never-written"));
    }

    [Fact]
    public void Invalid_settings_are_all_listed_before_anything_is_read()
    {
        var error = Assert.Throws<LayerScope.Errors.InvalidSettingsException>(() =>
            ImdbDemo.Run(new ImdbDemoOptions { MaxLength = 0, TrainLimit = 3, DataDirectory = "no-such-folder", OutputDirectory = "never-written" }));
        Assert.Contains("max length 0", error.Message);
        Assert.Contains("train limit 3", error.Message);
        Assert.False(Directory.Exists("never-written"));
    }

    /// <summary>The headline workflow on all 25,000 test reviews (minutes, not for CI): run it with
    /// <c>LAYERSCOPE_FULL_IMDB=1 dotnet test -c Release --filter FullyQualifiedName~Full_imdb</c>.</summary>
    [FullImdbFact]
    public void Full_imdb_run_reaches_f1_0_83_on_all_25000_test_reviews()
    {
        using var folder = new TemporaryFolder();
        var watch = Stopwatch.StartNew();
        var result = ImdbDemo.Run(new ImdbDemoOptions { DataDirectory = TestData.DataDirectory, OutputDirectory = folder.File("imdb") });
        log.WriteLine($"{watch.Elapsed.TotalMinutes:0.0} min; accuracy {result.Classification.Accuracy:0.0000}; F1 {string.Join(", ", result.Classification.Classes.Select(c => $"{c.Class} {c.F1:0.0000}"))}; "
            + $"training {result.TrainingReviewsPerSecond:0} reviews/s, capture {result.CaptureReviewsPerSecond:0} reviews/s");
        Assert.Equal(25_000, result.Classification.Classes.Sum(c => c.Support));
        Assert.All(result.Classification.Classes, c => Assert.True(c.F1 >= 0.83, $"{c.Class}: F1 {c.F1:0.0000} < 0.83"));
    }
}

/// <summary>Runs only when <c>LAYERSCOPE_FULL_IMDB=1</c> and the IMDB archive is present.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FullImdbFactAttribute : FactAttribute
{
    public FullImdbFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("LAYERSCOPE_FULL_IMDB") != "1") Skip = "the full IMDB run takes minutes; set LAYERSCOPE_FULL_IMDB=1 to run it";
        else if (TestData.SkipReasonForData(ImdbDemoRun.DataFile) is { } reason) Skip = reason;
    }
}
