using System.Text.Json;
using LayerScope.Cli.Commands;
using LayerScope.Cli.Demos;
using LayerScope.Runs;
using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Cli.Tests.Demos;

/// <summary>The banknote workflow end to end on the real data: one full run shared by the tests below.</summary>
public sealed class BanknoteDemoRun : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public BanknoteDemoRun()
    {
        if (TestData.SkipReasonForData(DataFile) is not null) return;
        Output = Path.Combine(_folder.Path, "banknote");
        TensorBoard = Path.Combine(_folder.Path, "tensorboard");
        Cli = CliRun.Of("demo", "banknote", "--data", TestData.DataDirectory ?? "missing", "--out", Output, "--tensorboard", TensorBoard);
    }

    public string TensorBoard { get; } = "";

    public const string DataFile = "banknote/data_banknote_authentication.txt";
    public string Output { get; } = "";
    public CliRun? Cli { get; }

    public void Dispose() => _folder.Dispose();

    /// <summary>A fresh folder inside the fixture's, for tests that write.</summary>
    public string NewFolder(string name) => Path.Combine(_folder.Path, name);
}

public class BanknoteDemoTests(BanknoteDemoRun run) : IClassFixture<BanknoteDemoRun>
{
    [DataFact(BanknoteDemoRun.DataFile)]
    public void Every_test_note_gets_a_relevance_per_feature_and_the_report_ranks_the_features()
    {
        Assert.True(run.Cli!.ExitCode == 0, run.Cli.Error);
        foreach (var network in new[] { "mlp-4-2-1", "mlp-4-3-2-1" })
        {
            var relevance = NpyReader.Read(Path.Combine(run.Output, network, "test-relevance-ig.npy"));
            var labels = NpyReader.Read(Path.Combine(run.Output, network, "test-labels.npy"));
            Assert.Equal([labels.Shape[0], 4], relevance.Shape);
            Assert.Contains(relevance.ToFloat32(), v => v != 0);
        }
        var html = File.ReadAllText(Path.Combine(run.Output, "report.html"));
        Assert.Contains("<th scope=\"col\">mean |relevance|</th>", html, StringComparison.Ordinal);
    }

    [DataFact(BanknoteDemoRun.DataFile)]
    public void The_saved_network_explained_on_its_saved_inputs_is_the_network_the_demo_tested()
    {
        // The demo's weights and standardised inputs, as the README tells a user to explain them: the class scores
        // explain prints must be the trained network's (its test accuracy), not a random one's or raw inputs'.
        Assert.True(run.Cli!.ExitCode == 0, run.Cli.Error);
        var output = run.NewFolder("explained");
        var explain = CliRun.Of("explain", "--zoo", "banknote-mlp", "--weights", Path.Combine(run.Output, "model-mlp-4-2-1.dat"),
            "--input", Path.Combine(run.Output, "network-inputs.npy"), "--method", "gradient-x-input", "--quality-examples", "0", "--out", output);
        Assert.True(explain.ExitCode == 0, explain.Error);
        var scores = NpyReader.Read(Path.Combine(output, "scores.npy")).ToFloat32();
        var labels = NpyReader.Read(Path.Combine(run.Output, "test-labels.npy")).ToFloat32();
        Assert.Equal(labels.Length, scores.Length);
        double accuracy = labels.Select((label, i) => (scores[i] > 0 ? 1 : 0) == (int)label ? 1.0 : 0.0).Average();
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Output, "metrics.json")));
        double reported = metrics.RootElement.GetProperty("networks")[0].GetProperty("finalTestAccuracy").GetDouble();
        Assert.Equal(reported, accuracy, 6);
    }

    [DataFact(BanknoteDemoRun.DataFile)]
    public void Demo_reaches_the_accuracy_target_and_reports_it()
    {
        Assert.True(run.Cli!.ExitCode == 0, run.Cli.Error);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Output, "metrics.json")));
        var networks = metrics.RootElement.GetProperty("networks").EnumerateArray().ToList();
        Assert.Equal(["mlp-4-2-1", "mlp-4-3-2-1"], networks.Select(n => n.GetProperty("name").GetString()));
        double accuracy = networks[0].GetProperty("finalTestAccuracy").GetDouble();
        Assert.True(accuracy >= 0.97, $"4→2→1 final test accuracy {accuracy:0.0000} is below 0.97");
        Assert.Equal(20, networks[0].GetProperty("history").GetArrayLength());
        Assert.Contains("mlp-4-2-1: final test accuracy", run.Cli.Output);
    }

    [DataFact(BanknoteDemoRun.DataFile)]
    public async Task The_viewer_serves_every_array_of_the_run()
    {
        // A real demo run through the real server: every array the manifest names must load as float32 (a name the
        // page cannot put in a URL once kept the viewer from showing this run at all).
        var manifest = RunManifestReader.Read(run.Output);
        await using var server = await LayerScope.Server.ViewerServer.StartAsync(new() { Directory = run.Output, Port = 0 });
        using var http = new HttpClient { BaseAddress = server.Url };
        using var runs = JsonDocument.Parse(await http.GetStringAsync("api/runs"));
        string id = runs.RootElement[0].GetProperty("id").GetString()!;
        foreach (var (name, array) in manifest.Arrays)
        {
            using var response = await http.GetAsync($"api/runs/{id}/arrays/{Uri.EscapeDataString(name)}");
            Assert.True(response.IsSuccessStatusCode, $"array '{name}': {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            long values = array.Shape!.Aggregate(1L, (a, b) => a * b);
            Assert.Equal(4 * values, (await response.Content.ReadAsByteArrayAsync()).Length);
        }
    }

    [DataFact(BanknoteDemoRun.DataFile)]
    public void The_run_manifest_holds_every_hidden_layer_after_every_epoch_for_the_viewer()
    {
        var manifest = RunManifestReader.Read(run.Output);

        Assert.Equal(412, manifest.Points);
        Assert.Equal(["mlp-4-2-1/relu1", "mlp-4-3-2-1/relu1", "mlp-4-3-2-1/relu2"], manifest.Layers.Select(l => l.Name));
        Assert.Equal(3 * 20, manifest.Activations.Count);
        Assert.Equal(20, manifest.Embeddings.Count(e => e.Layer == "mlp-4-3-2-1/relu1" && e.Dims == 3 && e.Method == RunEmbedding.RawMethod));
        Assert.Equal(20, manifest.Embeddings.Count(e => e.Layer == "mlp-4-2-1/relu1" && e.Dims == 2));
        Assert.Equal(["class", "predicted (mlp-4-2-1)", "correct (mlp-4-2-1)", "predicted (mlp-4-3-2-1)", "correct (mlp-4-3-2-1)"], manifest.Columns.Select(c => c.Name));
        Assert.Equal(["genuine", "forged"], manifest.Columns[0].Categories);
        Assert.Equal(RunInputs.ValuesKind, manifest.Inputs!.Kind);
        Assert.Equal(4, manifest.Inputs.Names!.Count);
    }

    [DataFact(BanknoteDemoRun.DataFile)]
    public void Every_epoch_has_a_png_that_decodes()
    {
        foreach (var network in new[] { "mlp-4-2-1", "mlp-4-3-2-1" })
            for (int epoch = 1; epoch <= 20; epoch++)
            {
                var path = Path.Combine(run.Output, network, $"epoch-{epoch:00}.png");
                Assert.True(File.Exists(path), $"{path} is missing");
                using var bitmap = SkiaSharp.SKBitmap.Decode(path);
                Assert.True(bitmap is not null, $"{path} does not decode as an image");
                Assert.Equal((640, 520), (bitmap.Width, bitmap.Height));
                Assert.True(bitmap.Pixels.Distinct().Count() > 2, $"{path} is blank");
            }
    }

    [DataFact(BanknoteDemoRun.DataFile)]
    public void Final_activations_and_labels_are_npy_files_of_the_test_set()
    {
        var activations = NpyReader.Read(Path.Combine(run.Output, "mlp-4-2-1", "hidden-activations.npy"));
        var labels = NpyReader.Read(Path.Combine(run.Output, "mlp-4-2-1", "test-labels.npy"));
        Assert.Equal(new long[] { 412, 2 }, activations.Shape);
        Assert.Equal(new long[] { 412 }, labels.Shape);
        Assert.All(labels.ToInt64(), label => Assert.InRange(label, 0, 1));
    }

    [DataFact(BanknoteDemoRun.DataFile)]
    public void Report_holds_every_epoch_the_layer_table_and_the_classification_report()
    {
        var html = File.ReadAllText(Path.Combine(run.Output, "report.html"));
        // Markup, not words: "relu1" and "epoch" also appear in headings and captions, which stay when a table or a
        // frame goes missing.
        Assert.Contains("data-label=\"epoch 20\"", html);          // the last frame of the epoch sequence
        Assert.Contains("<tr><td>relu1</td>", html);               // a row of the layer table
        Assert.Contains("<th scope=\"col\">precision</th>", html); // the classification table's header
        Assert.Contains("<tr><td>forged</td>", html);              // and its row for the class
        Assert.DoesNotContain("src=\"http", html);
    }

    [DataFact(BanknoteDemoRun.DataFile)]
    public void Equal_seeds_give_identical_results()
    {
        using var folder = new TemporaryFolder();
        var options = new BanknoteDemoOptions { DataDirectory = TestData.DataDirectory, OutputDirectory = folder.File("a"), Epochs = 3, Networks = [[2]] };
        var first = BanknoteDemo.Run(options);
        var second = BanknoteDemo.Run(options with { OutputDirectory = folder.File("b") });
        Assert.Equal(first.Networks[0].Epochs, second.Networks[0].Epochs);
        Assert.Equal(File.ReadAllBytes(folder.File("a/mlp-4-2-1/hidden-activations.npy")), File.ReadAllBytes(folder.File("b/mlp-4-2-1/hidden-activations.npy")));
    }

    [Fact]
    public void Missing_data_fails_with_where_to_get_it_and_writes_nothing()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("out");
        var run = CliRun.Of("demo", "banknote", "--data", folder.File("no-data-here"), "--out", output);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("data_banknote_authentication.txt", run.Error);
        Assert.Contains("layerscope data download banknote", run.Error);
        Assert.False(Directory.Exists(output));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public void Malformed_data_fails_naming_the_file_and_line_and_writes_nothing()
    {
        using var folder = new TemporaryFolder();
        Directory.CreateDirectory(folder.File("banknote"));
        File.WriteAllText(folder.File("banknote/data_banknote_authentication.txt"), "3.6,8.6,-2.8,-0.44,0\n1.2,oops,3,4,1\n");
        var run = CliRun.Of("demo", "banknote", "--data", folder.Path, "--out", folder.File("out"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("data_banknote_authentication.txt", run.Error);
        Assert.Contains("line 2", run.Error);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Fact]
    public void Command_line_defaults_equal_the_options_defaults()
    {
        var defaults = new BanknoteDemoOptions();
        var root = LayerScopeCommandLine.BuildRoot(Terminal.CliTerminal.Recording(new StringWriter(), new StringWriter()));
        var parse = root.Parse("demo banknote");
        Assert.Equal("banknote", parse.CommandResult.Command.Name);
        Assert.Equal(defaults.Seed, parse.GetValue<int>("--seed"));
        Assert.Equal(defaults.Epochs, parse.GetValue<int>("--epochs"));
        Assert.Null(parse.GetValue<string?>("--out")); // the options record's folder is used
        Assert.Equal(new VowelsDemoOptions().Epochs, root.Parse("demo vowels").GetValue<int>("--epochs"));
        Assert.Contains("banknote", DemoCommand.Demos);
    }

    [DataFact(BanknoteDemoRun.DataFile)]
    public void The_tensorboard_folder_holds_curves_and_histograms_per_network_and_the_projector()
    {
        Assert.True(run.Cli!.ExitCode == 0, run.Cli.Error);
        foreach (var network in new[] { "mlp-4-2-1", "mlp-4-3-2-1" })
        {
            var file = Assert.Single(Directory.GetFiles(Path.Combine(run.TensorBoard, network), "events.out.tfevents.*"));
            var events = TensorBoardEventReader.Read(file);
            var values = events.SelectMany(e => e.Values.Select(v => (e.Step, v))).ToList();
            var heldOut = values.Where(x => x.v.Tag == "accuracy/held_out").ToList();
            Assert.Equal(Enumerable.Range(1, 20).Select(e => (long)e), heldOut.Select(x => x.Step));
            Assert.True(heldOut[^1].v.Scalar >= 0.97f, $"final accuracy {heldOut[^1].v.Scalar}");
            var weights = values.Where(x => x.v.Tag == "fc1/weights").ToList();
            Assert.Equal(20, weights.Count);
            Assert.All(weights, x => Assert.Equal(4 * (network == "mlp-4-2-1" ? 2 : 3), x.v.Histogram!.Num));
            Assert.Contains(values, x => x.v.Tag == "relu1/activations" && x.v.Histogram!.Num > 0);
        }
        var config = File.ReadAllText(Path.Combine(run.TensorBoard, "projector", "projector_config.pbtxt"));
        var manifest = RunManifestReader.Read(run.Output);
        Assert.Equal(manifest.Activations.Count + manifest.Embeddings.Count, System.Text.RegularExpressions.Regex.Matches(config, "embeddings \\{").Count);
        var metadata = File.ReadAllLines(Path.Combine(run.TensorBoard, "projector", "metadata.tsv"));
        Assert.Equal(manifest.Points + 1, metadata.Length); // a header row: there are several columns
        Assert.StartsWith("class\t", metadata[0]);
    }

    [DataFact(BanknoteDemoRun.DataFile)]
    public void Export_tensorboard_rewrites_the_same_files_from_the_run_folder()
    {
        Assert.True(run.Cli!.ExitCode == 0, run.Cli.Error);
        var folder = run.NewFolder("exported");
        var export = CliRun.Of("export-tensorboard", run.Output, "--out", folder);
        Assert.True(export.ExitCode == 0, export.Error);
        foreach (var network in new[] { "mlp-4-2-1", "mlp-4-3-2-1", "projector" })
        {
            var original = TensorBoardEventReader.Read(Assert.Single(Directory.GetFiles(Path.Combine(run.TensorBoard, network), "events.out.tfevents.*")));
            var again = TensorBoardEventReader.Read(Assert.Single(Directory.GetFiles(Path.Combine(folder, network), "events.out.tfevents.*")));
            Assert.Equal(original.SelectMany(e => e.Values.Select(v => (e.Step, v.Tag, v.Scalar))), again.SelectMany(e => e.Values.Select(v => (e.Step, v.Tag, v.Scalar))));
        }
        Assert.Contains("tensorboard --logdir", export.Output);
    }

    [DataFact(BanknoteDemoRun.DataFile)]
    public void The_report_shows_the_dynamics_of_each_network()
    {
        var html = File.ReadAllText(Path.Combine(run.Output, "report.html"));
        Assert.Contains("mlp-4-3-2-1: training dynamics", html);
        Assert.Contains("mlp-4-3-2-1 relu2: activations per epoch", html);
        Assert.True(File.Exists(Path.Combine(run.Output, "mlp-4-2-1", "dynamics", "fc1-weights-histograms.png")));
        Assert.True(File.Exists(Path.Combine(run.Output, "mlp-4-2-1", "dynamics.json")));
    }

    [Fact]
    public void Export_of_a_folder_without_a_run_names_run_json()
    {
        using var folder = new TemporaryFolder();
        var export = CliRun.Of("export-tensorboard", folder.Path, "--out", folder.File("tb"));
        Assert.NotEqual(0, export.ExitCode);
        Assert.Contains("run.json", export.Error);
        Assert.False(Directory.Exists(folder.File("tb")));
    }
}
