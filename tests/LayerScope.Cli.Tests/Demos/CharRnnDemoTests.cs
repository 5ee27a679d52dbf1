using System.Text.Json;
using LayerScope.Cli.Commands;
using LayerScope.Cli.Demos;
using LayerScope.Runs;
using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Cli.Tests.Demos;

public class CharRnnDemoTests
{
    /// <summary>About 4,000 characters of C#-like text with strings, nested braces, comments and hostile markup in its
    /// strings: enough for 32 streams of 65 characters plus the held-out tenth.</summary>
    private static string SmallSource()
    {
        var lines = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            lines.Add($"// block {i}: say hello.");
            lines.Add($"if (x{i} > {i}) {{");
            lines.Add($"    Print(\"<script>alert({i})</script> & 'q'\");");
            lines.Add($"    {{ y[{i}] = (a + b) * c; }}");
            lines.Add("}");
        }
        return string.Join("\n", lines) + "\n";
    }

    [Fact]
    public void Demo_on_a_text_file_writes_a_report_with_samples_discovered_cells_and_escaped_text()
    {
        using var folder = new TemporaryFolder();
        var text = folder.File("small.txt");
        File.WriteAllText(text, SmallSource());
        var output = folder.File("out");

        var tensorBoard = folder.File("tensorboard");

        var run = CliRun.Of("demo", "charrnn", "--text", text, "--steps", "8", "--out", output, "--tensorboard", tensorBoard);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("trained on small.txt: 8 steps", run.Output);
        Assert.Contains("in string: lstm", run.Output);
        var html = File.ReadAllText(Path.Combine(output, "report.html"));
        // Markup, not words: the headings stay when the samples or the table under them go missing.
        Assert.Contains("<h2>Generated text</h2>", html);
        Assert.Matches("<h3>temperature 0.5</h3>\n<pre>[^<]+</pre>", html);   // a sample under its heading
        Assert.Contains("<tr><td>brace depth</td>", html);                      // a row of the discovered-cells table
        Assert.Contains("data-textview", html);
        Assert.Contains(">&lt;</span>", html); // the passage, character by character
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("src=\"http", html);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        Assert.Equal(8, metrics.RootElement.GetProperty("steps").GetInt32());
        Assert.Equal(3, metrics.RootElement.GetProperty("samples").GetArrayLength());
        var cells = NpyReader.Read(Path.Combine(output, "cells-lstm2.npy"));
        Assert.Equal(File.ReadAllText(Path.Combine(output, "passage.txt")).Length, cells.Shape[0]);
        Assert.Equal(128, cells.Shape[1]);

        var manifest = RunManifestReader.Read(output);
        Assert.Equal(cells.Shape[0], manifest.Points);
        Assert.Contains(manifest.Activations, a => a.Layer == "lstm2/c" && a.Array == "cells-lstm2");
        Assert.Equal(RunEmbedding.TsneMethod, Assert.Single(manifest.Embeddings).Method);
        Assert.Equal(["code", "string", "comment"], manifest.Columns.Single(c => c.Name == "context").Categories);
        Assert.Equal(RunInputs.TextKind, manifest.Inputs!.Kind);
        Assert.DoesNotContain("<script>", File.ReadAllText(Path.Combine(output, "context.json")), StringComparison.Ordinal);

        // Every pass over the streams is an epoch; the LSTM's weights and the output layer's activations are histogrammed.
        var values = Assert.Single(DemoTensorBoardFiles.Check(output, tensorBoard, epochs: null)).Value;
        Assert.Contains(values, x => x.Value.Tag == "lstm1/weights");
        Assert.Contains("tensorboard --logdir", run.Output);
    }

    [Fact]
    public void Default_corpus_run_with_small_settings_finds_cells_for_every_code_feature()
    {
        using var folder = new TemporaryFolder();
        var result = CharRnnDemo.Run(new CharRnnDemoOptions
        {
            OutputDirectory = folder.File("default"),
            Steps = 25,
            HiddenSize = 32,
            BatchSize = 8,
            SequenceLength = 32,
            PassageLength = 600,
            SampleLength = 40,
        });

        Assert.StartsWith("LayerScope's own C# source", result.Corpus);
        Assert.Equal(25, result.Steps.Count);
        Assert.True(result.Steps.TakeLast(5).Average(s => s.Loss) < result.Steps[0].Loss, "the loss did not go down");
        Assert.Contains(result.Cells, f => f.Feature.Name == "in string");
        Assert.Contains(result.Cells, f => f.Feature.Name == "brace depth");
        Assert.All(result.Samples, s => Assert.Equal(40, s.Text.Length));
        Assert.True(File.Exists(result.ReportPath));
    }

    [Fact]
    public void The_project_sources_are_embedded_in_the_tool()
    {
        Assert.Contains("LayerScope.Networks/Models/Zoo/CharRnn.cs", EmbeddedSources.Paths);
        Assert.Contains("LayerScope.Cli/Demos/CharRnn/CharRnnDemo.cs", EmbeddedSources.Paths);
        Assert.DoesNotContain(EmbeddedSources.Paths, p => p.Contains("/obj/", StringComparison.Ordinal) || p.Contains("/bin/", StringComparison.Ordinal));
        Assert.Contains("public sealed class CharRnn", EmbeddedSources.Read("LayerScope.Networks/Models/Zoo/CharRnn.cs"));
        Assert.True(EmbeddedSources.ReadAll().Length > 100_000);
    }

    [Fact]
    public void A_missing_text_file_is_named_and_nothing_is_written()
    {
        using var folder = new TemporaryFolder();
        var run = CliRun.Of("demo", "charrnn", "--text", folder.File("nope.txt"), "--out", folder.File("out"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nope.txt", run.Error);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Fact]
    public void A_too_short_text_says_how_long_it_must_be()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("tiny.txt"), "int x = 1;\n");
        var run = CliRun.Of("demo", "charrnn", "--text", folder.File("tiny.txt"), "--out", folder.File("out"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("tiny.txt has 11 characters", run.Error);
        Assert.Contains("longer --text", run.Error);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Fact]
    public void Charrnn_is_the_default_demo_and_its_defaults_reach_the_command_line()
    {
        var defaults = new CharRnnDemoOptions();
        var demo = LayerScopeCommandLine.BuildRoot(Terminal.CliTerminal.Recording(new StringWriter(), new StringWriter()))
            .Subcommands.Single(c => c.Name == "demo");
        var parse = demo.Parse("");
        Assert.Equal(parse.GetValue<int>("--steps"), demo.Parse("charrnn").GetValue<int>("--steps"));
        Assert.Equal("charrnn", DemoCommand.DefaultDemo);
        Assert.Equal(defaults.Steps, parse.GetValue<int>("--steps"));
        Assert.Null(parse.GetValue<string?>("--text"));
        Assert.True(defaults.TimeLimit <= TimeSpan.FromMinutes(3.5), "the default demo must fit in 5 minutes on 2 cores");
    }
}
