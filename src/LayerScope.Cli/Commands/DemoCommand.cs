using System.CommandLine;
using LayerScope.Cli.Demos;
using LayerScope.Cli.Terminal;
using LayerScope.Errors;
using LayerScope.Text;

namespace LayerScope.Cli.Commands;

/// <summary><c>layerscope demo [NAME] --out DIR ...</c>: runs a complete workflow and writes its report.</summary>
internal static class DemoCommand
{
    /// <summary>The demo run when no name is given.</summary>
    public const string DefaultDemo = "charrnn";

    /// <summary>Every demo by name.</summary>
    public static IReadOnlyList<string> Demos { get; } = ["charrnn", "banknote", "vowels"];

    public static Command Create(CliTerminal terminal)
    {
        var defaults = new BanknoteDemoOptions();
        var vowelsDefaults = new VowelsDemoOptions();
        var charRnnDefaults = new CharRnnDemoOptions();
        var name = new Argument<string?>("name") { Description = $"Which demo: {string.Join(", ", Demos)} (default {DefaultDemo}).", Arity = ArgumentArity.ZeroOrOne };
        var data = new Option<string?>("--data") { Description = "Data folder (default: LAYERSCOPE_DATA, else the per-user cache)." };
        var output = new Option<string?>("--out") { Description = $"Output folder for the report, figures, metrics and arrays (default {charRnnDefaults.OutputDirectory}, {defaults.OutputDirectory}, {vowelsDefaults.OutputDirectory})." };
        var seed = new Option<int>("--seed") { Description = "Random seed; equal seeds give equal results.", DefaultValueFactory = _ => defaults.Seed };
        var epochs = new Option<int?>("--epochs") { Description = $"Training epochs (default banknote {defaults.Epochs}, vowels {vowelsDefaults.Epochs})." };
        var observation = new Option<int>("--observation") { Description = "vowels: the test sequence (0-based) drawn in the feature and state figures.", DefaultValueFactory = _ => vowelsDefaults.Observation };
        var units = new Option<int[]>("--units") { Description = "vowels: the hidden units (0-based) of the smaller heatmaps (default 0 to 9).", AllowMultipleArgumentsPerToken = true };
        var text = new Option<string?>("--text") { Description = "charrnn: the text or source file to train on (default: LayerScope's own C# source, built into the tool)." };
        var steps = new Option<int>("--steps") { Description = "charrnn: training steps at most (training also stops after "
            + $"{charRnnDefaults.TimeLimit?.TotalMinutes:0} minutes).", DefaultValueFactory = _ => charRnnDefaults.Steps };
        var command = new Command("demo", "Run a complete workflow end to end and write an HTML report.") { name, data, output, seed, epochs, observation, units, text, steps };
        command.SetAction((parse, cancellationToken) =>
        {
            var demo = parse.GetValue(name) ?? DefaultDemo;
            switch (demo.ToLowerInvariant())
            {
                case "charrnn":
                    var charRnn = charRnnDefaults with
                    {
                        TextFile = parse.GetValue(text),
                        OutputDirectory = parse.GetValue(output) ?? charRnnDefaults.OutputDirectory,
                        Seed = parse.GetValue(seed),
                        Steps = parse.GetValue(steps),
                    };
                    var charRnnResult = ProgressDisplay.Run(terminal, progress => CharRnnDemo.Run(charRnn, progress, cancellationToken));
                    terminal.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"trained on {charRnnResult.Corpus}: {charRnnResult.Steps.Count} steps, held-out loss {charRnnResult.HeldOutLoss:0.000} nats per character"));
                    foreach (var feature in charRnnResult.Cells)
                    {
                        var best = feature.Top[0];
                        terminal.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                            $"{feature.Feature.Name}: {best.Layer} cell {best.Cell}, r = {best.R:0.000} (median |r| {feature.MedianAbsR:0.000})"));
                    }
                    terminal.Out.WriteLine($"report: {charRnnResult.ReportPath}");
                    return Task.FromResult(0);
                case "banknote":
                    var options = defaults with
                    {
                        DataDirectory = parse.GetValue(data),
                        OutputDirectory = parse.GetValue(output) ?? defaults.OutputDirectory,
                        Seed = parse.GetValue(seed),
                        Epochs = parse.GetValue(epochs) ?? defaults.Epochs,
                    };
                    var result = ProgressDisplay.Run(terminal, progress => BanknoteDemo.Run(options, progress, cancellationToken));
                    foreach (var network in result.Networks)
                        terminal.Out.WriteLine($"{network.Name}: final test accuracy {network.FinalTestAccuracy:0.0000} (layer '{network.Layer}')");
                    terminal.Out.WriteLine($"report: {result.ReportPath}");
                    return Task.FromResult(0);
                case "vowels":
                    var vowels = vowelsDefaults with
                    {
                        DataDirectory = parse.GetValue(data),
                        OutputDirectory = parse.GetValue(output) ?? vowelsDefaults.OutputDirectory,
                        Seed = parse.GetValue(seed),
                        Epochs = parse.GetValue(epochs) ?? vowelsDefaults.Epochs,
                        Observation = parse.GetValue(observation),
                        Units = parse.GetValue(units) is { Length: > 0 } chosen ? chosen : vowelsDefaults.Units,
                    };
                    var vowelsResult = ProgressDisplay.Run(terminal, progress => VowelsDemo.Run(vowels, progress, cancellationToken));
                    terminal.Out.WriteLine($"vowels-lstm: test accuracy {vowelsResult.FinalTestAccuracy:0.0000} on {vowelsResult.TestReport.Classes.Sum(c => c.Support)} test sequences");
                    terminal.Out.WriteLine($"report: {vowelsResult.ReportPath}");
                    return Task.FromResult(0);
                default:
                    throw new LayerScopeException($"there is no demo '{demo}'.{NameSuggestions.DidYouMean(demo, Demos)} Demos: {string.Join(", ", Demos)}.");
            }
        });
        return command;
    }
}
