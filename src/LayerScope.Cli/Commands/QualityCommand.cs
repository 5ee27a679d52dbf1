using System.CommandLine;
using System.Text.Json;
using LayerScope.Cli.Terminal;
using LayerScope.Reduction.Quality;

namespace LayerScope.Cli.Commands;

/// <summary><c>layerscope quality E.npy --high X.npy [--labels y.npy]</c>: prints trustworthiness, 10-NN recall, the
/// t-SNE KL divergence and 10-NN label accuracy as JSON.</summary>
public static class QualityCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var defaults = new QualityOptions();
        var embedding = new Argument<string>("E") { Description = "The embedding (.npy, points × dims)." };
        var high = new Option<string>("--high") { Description = "The original points (.npy, points × dimensions).", Required = true };
        var labels = new Option<string?>("--labels") { Description = "Integer labels (.npy, one per point) for the label accuracy." };
        var k = new Option<int>("--k") { Description = "Neighbours per point.", DefaultValueFactory = _ => defaults.K };
        var sample = new Option<int>("--sample") { Description = "Above this many points, neighbour metrics use a random sample of this size.", DefaultValueFactory = _ => defaults.SampleSize };
        var perplexity = new Option<double>("--perplexity") { Description = "Perplexity of P for the KL divergence.", DefaultValueFactory = _ => defaults.Perplexity };
        var threads = new Option<int>("--threads") { Description = "Threads (0: every core).", DefaultValueFactory = _ => defaults.Threads };
        var command = new Command("quality", "Measure how faithful an embedding is: trustworthiness, neighbour recall, KL divergence, label accuracy (JSON).")
        {
            embedding, high, labels, k, sample, perplexity, threads,
        };
        command.SetAction(parseResult =>
        {
            var low = NpyMatrices.ReadMatrix(parseResult.GetValue(embedding)!);
            var x = NpyMatrices.ReadMatrix(parseResult.GetValue(high)!);
            int[]? y = parseResult.GetValue(labels) is { } path ? NpyMatrices.ReadLabels(path, x.Rows) : null;
            var report = EmbeddingQuality.Evaluate(x, low, y, new QualityOptions
            {
                K = parseResult.GetValue(k),
                SampleSize = parseResult.GetValue(sample),
                Perplexity = parseResult.GetValue(perplexity),
                KlDivergence = x.Rows >= 4 && parseResult.GetValue(perplexity) < x.Rows / 3.0,
                Threads = parseResult.GetValue(threads),
            });
            terminal.Out.WriteLine(JsonSerializer.Serialize(report, MetricsFile.Options));
            if (report.Subsampled)
                terminal.Error.WriteLine($"note: neighbour metrics estimated on a random sample of {report.SampleSize} of {report.Count} points.");
            return 0;
        });
        return command;
    }
}
