using System.Text.Json;
using LayerScope.Cli.Demos;
using LayerScope.Runs;
using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Cli.Tests.Demos;

/// <summary>The Japanese Vowels workflow end to end on the real data: one full run shared by the tests below.</summary>
public sealed class VowelsDemoRun : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public VowelsDemoRun()
    {
        if (TestData.SkipReasonForData(DataFile) is not null || TestData.SkipReasonForData(TestFile) is not null) return;
        Output = Path.Combine(_folder.Path, "vowels");
        TensorBoard = Path.Combine(_folder.Path, "tensorboard");
        Cli = CliRun.Of("demo", "vowels", "--data", TestData.DataDirectory ?? "missing", "--out", Output, "--observation", "3", "--units", "5", "0", "7",
            "--tensorboard", TensorBoard);
    }

    public const string DataFile = "japanese-vowels/ae.train";
    public const string TestFile = "japanese-vowels/ae.test";
    public string Output { get; } = "";
    public string TensorBoard { get; } = "";
    public CliRun? Cli { get; }

    public void Dispose() => _folder.Dispose();
}

public class VowelsDemoTests(VowelsDemoRun run) : IClassFixture<VowelsDemoRun>
{
    private static readonly string[] Figures =
        ["features.png", "hidden-units.png", "hidden-all.png", "cell-units.png", "cell-all.png", "final-states.png", "loss.png", "accuracy.png"];

    [DataFact(VowelsDemoRun.DataFile)]
    public void The_run_manifest_holds_final_and_per_step_states_the_tsne_speakers_and_input_sequences()
    {
        var manifest = RunManifestReader.Read(run.Output);

        Assert.Equal(370, manifest.Points);
        var final = manifest.Activations.Single(a => a.Layer == "lstm/h_T");
        Assert.Equal(new long[] { 370, 100 }, manifest.Arrays[final.Array].Shape);
        Assert.Equal(3, manifest.Arrays[manifest.Activations.Single(a => a.Layer == "lstm/h_t").Array].Shape!.Count);
        Assert.Equal(RunEmbedding.TsneMethod, Assert.Single(manifest.Embeddings).Method);
        var speaker = manifest.Columns.Single(c => c.Name == "speaker");
        Assert.Equal(9, speaker.Categories!.Count);
        Assert.Equal(RunInputs.SequenceKind, manifest.Inputs!.Kind);
        Assert.Equal(12, manifest.Inputs.Names!.Count);
    }

    [DataFact(VowelsDemoRun.DataFile)]
    public void Demo_reaches_0_90_test_accuracy_and_reports_it()
    {
        Assert.True(run.Cli!.ExitCode == 0, run.Cli.Error);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Output, "metrics.json")));
        double accuracy = metrics.RootElement.GetProperty("testAccuracy").GetDouble();
        Assert.True(accuracy >= 0.90, $"test accuracy {accuracy:0.0000} is below 0.90");
        Assert.Equal(270, metrics.RootElement.GetProperty("trainSequences").GetInt32());
        Assert.Equal(370, metrics.RootElement.GetProperty("testSequences").GetInt32());
        Assert.Equal(new VowelsDemoOptions().Epochs, metrics.RootElement.GetProperty("history").GetArrayLength());
        Assert.Equal(9 + 2, metrics.RootElement.GetProperty("classification").GetProperty("classes").GetArrayLength());
        Assert.Contains("vowels-lstm: test accuracy", run.Cli.Output);
    }

    [DataFact(VowelsDemoRun.DataFile)]
    public void Every_figure_is_a_png_that_decodes()
    {
        Assert.True(run.Cli!.ExitCode == 0, run.Cli.Error);
        foreach (var figure in Figures)
        {
            var path = Path.Combine(run.Output, figure);
            Assert.True(File.Exists(path), $"{path} is missing");
            using var bitmap = SkiaSharp.SKBitmap.Decode(path);
            Assert.True(bitmap is not null, $"{path} does not decode as an image");
            Assert.True(bitmap.Pixels.Distinct().Count() > 2, $"{path} is blank");
        }
    }

    [DataFact(VowelsDemoRun.DataFile)]
    public void Hidden_and_cell_states_are_npy_files_of_every_test_sequence_and_step()
    {
        Assert.True(run.Cli!.ExitCode == 0, run.Cli.Error);
        var hidden = NpyReader.Read(Path.Combine(run.Output, "hidden-states.npy"));
        var cell = NpyReader.Read(Path.Combine(run.Output, "cell-states.npy"));
        var lengths = NpyReader.Read(Path.Combine(run.Output, "sequence-lengths.npy")).ToInt64();
        var labels = NpyReader.Read(Path.Combine(run.Output, "test-labels.npy"));
        Assert.Equal(new long[] { 370, 29, 100 }, hidden.Shape);
        Assert.Equal(new long[] { 370, 29, 100 }, cell.Shape);
        Assert.Equal(370, lengths.Length);
        Assert.Equal(new long[] { 370 }, labels.Shape);
        Assert.Equal(new long[] { 370, 100 }, NpyReader.Read(Path.Combine(run.Output, "final-hidden-states.npy")).Shape);
        Assert.Equal(new long[] { 370, 2 }, NpyReader.Read(Path.Combine(run.Output, "final-states-2d.npy")).Shape);

        // Finite up to each sequence's length, NaN after; h = o * tanh(c) keeps |h| below 1.
        var h = hidden.ToFloat32();
        var c = cell.ToFloat32();
        for (int n = 0; n < 370; n++)
            for (int t = 0; t < 29; t++)
            {
                int at = (n * 29 + t) * 100;
                Assert.Equal(t >= lengths[n], float.IsNaN(h[at]));
                Assert.Equal(t >= lengths[n], float.IsNaN(c[at]));
                if (t < lengths[n]) Assert.InRange(h[at], -1f, 1f);
            }
    }

    [DataFact(VowelsDemoRun.DataFile)]
    public void Report_holds_the_figures_the_layer_table_and_the_classification_report()
    {
        Assert.True(run.Cli!.ExitCode == 0, run.Cli.Error);
        var html = File.ReadAllText(Path.Combine(run.Output, "report.html"));
        // Markup, not words: "lstm", "speaker" and "test sequence" also appear in the title, the paragraphs and the
        // settings list, which stay when a figure or a table goes missing.
        Assert.Contains("<h2>Test sequence 3: inputs and states over time</h2>", html);
        Assert.Contains("<figcaption>Hidden state h_t of units 5, 0, 7 over the time steps of test sequence 3.", html);
        Assert.Contains("<tr><td>lstm</td>", html);                // a row of the layer table
        Assert.Contains("<th scope=\"col\">precision</th>", html); // the classification table's header
        Assert.Contains("<tr><td>speaker 9</td>", html);           // and its row for the class
        Assert.DoesNotContain("src=\"http", html);
        Assert.Contains("LSTM", File.ReadAllText(Path.Combine(run.Output, "layers.txt")));
    }

    [DataFact(VowelsDemoRun.DataFile)]
    public void An_observation_outside_the_test_set_is_refused_and_writes_nothing()
    {
        using var folder = new TemporaryFolder();
        var cli = CliRun.Of("demo", "vowels", "--data", TestData.DataDirectory!, "--out", folder.File("out"), "--observation", "370");
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("observation 370", cli.Error);
        Assert.Contains("0 and 369", cli.Error);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [DataFact(VowelsDemoRun.DataFile)]
    public void Equal_seeds_give_identical_results()
    {
        using var folder = new TemporaryFolder();
        var options = new VowelsDemoOptions { DataDirectory = TestData.DataDirectory, OutputDirectory = folder.File("a"), Epochs = 1 };
        var first = VowelsDemo.Run(options);
        var second = VowelsDemo.Run(options with { OutputDirectory = folder.File("b") });
        Assert.Equal(first.Epochs, second.Epochs);
        Assert.Equal(File.ReadAllBytes(folder.File("a/cell-states.npy")), File.ReadAllBytes(folder.File("b/cell-states.npy")));
    }

    [Fact]
    public void Malformed_data_fails_naming_the_file_and_line_and_writes_nothing()
    {
        using var folder = new TemporaryFolder();
        Directory.CreateDirectory(folder.File("japanese-vowels"));
        var frame = string.Join(' ', Enumerable.Repeat("0.5", 12));
        File.WriteAllText(folder.File("japanese-vowels/ae.train"), $"{frame}\r\n{frame} 0.5\r\n");
        File.WriteAllText(folder.File("japanese-vowels/ae.test"), "");
        File.WriteAllText(folder.File("japanese-vowels/size_ae.train"), "30 30 30 30 30 30 30 30 30\r\n");
        File.WriteAllText(folder.File("japanese-vowels/size_ae.test"), "31 35 88 44 29 24 40 50 29\r\n");
        var cli = CliRun.Of("demo", "vowels", "--data", folder.Path, "--out", folder.File("out"));
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("ae.train", cli.Error);
        Assert.Contains("line 2", cli.Error);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Fact]
    public void Missing_data_names_the_file_and_the_download_command()
    {
        using var folder = new TemporaryFolder();
        var cli = CliRun.Of("demo", "vowels", "--data", folder.File("no-data-here"), "--out", folder.File("out"));
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("ae.train", cli.Error);
        Assert.Contains("layerscope data download japanese-vowels", cli.Error);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [DataFact(VowelsDemoRun.DataFile)]
    public void Tensorboard_holds_every_epoch_with_the_lstm_and_dense_histograms()
    {
        Assert.True(run.Cli!.ExitCode == 0, run.Cli.Error);
        var events = DemoTensorBoardFiles.Check(run.Output, run.TensorBoard, new VowelsDemoOptions().Epochs);
        var values = Assert.Single(events).Value;
        // LSTM(12 → 100): weight_ih 400×12 and weight_hh 400×100 in one histogram per epoch.
        Assert.All(values.Where(x => x.Value.Tag == "lstm/weights"), x => Assert.Equal(400 * 12 + 400 * 100, x.Value.Histogram!.Num));
        // The LSTM runs on packed batches, so no forward hook sees it: h_t over every test sequence's own steps (no
        // padding), 100 units, one histogram per epoch.
        var test = Data.Loaders.JapaneseVowelsLoader.LoadTest(Data.DataDirectory.Choose(TestData.DataDirectory));
        long steps = Enumerable.Range(0, test.Count).Sum(test.Length);
        var histograms = values.Where(x => x.Value.Tag == "lstm/activations").ToList();
        Assert.Equal(new VowelsDemoOptions().Epochs, histograms.Count);
        Assert.All(histograms, x => Assert.Equal(steps * 100, x.Value.Histogram!.Num));
        Assert.Contains(values, x => x.Value.Tag == "accuracy/held_out");
        Assert.Contains($"tensorboard --logdir {run.TensorBoard}", run.Cli.Output);
    }
}
