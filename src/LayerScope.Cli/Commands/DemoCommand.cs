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
    public const string DefaultDemo = "banknote";

    /// <summary>Every demo by name.</summary>
    public static IReadOnlyList<string> Demos { get; } = ["banknote", "vowels"];

    public static Command Create(CliTerminal terminal)
    {
        var defaults = new BanknoteDemoOptions();
        var vowelsDefaults = new VowelsDemoOptions();
        var name = new Argument<string?>("name") { Description = $"Which demo: {string.Join(", ", Demos)} (default {DefaultDemo}).", Arity = ArgumentArity.ZeroOrOne };
        var data = new Option<string?>("--data") { Description = "Data folder (default: LAYERSCOPE_DATA, else the per-user cache)." };
        var output = new Option<string>("--out") { Description = $"Output folder for the report, figures, metrics and arrays (vowels: {vowelsDefaults.OutputDirectory} unless given).", DefaultValueFactory = _ => defaults.OutputDirectory };
        var seed = new Option<int>("--seed") { Description = "Random seed; equal seeds give equal results.", DefaultValueFactory = _ => defaults.Seed };
        var epochs = new Option<int>("--epochs") { Description = $"Training epochs (vowels: {vowelsDefaults.Epochs} unless given).", DefaultValueFactory = _ => defaults.Epochs };
        var observation = new Option<int>("--observation") { Description = "vowels: the test sequence (0-based) drawn in the feature and state figures.", DefaultValueFactory = _ => vowelsDefaults.Observation };
        var units = new Option<int[]>("--units") { Description = "vowels: the hidden units (0-based) of the smaller heatmaps (default 0 to 9).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("demo", "Run a complete workflow end to end and write an HTML report.") { name, data, output, seed, epochs, observation, units };
        command.SetAction((parse, cancellationToken) =>
        {
            var demo = parse.GetValue(name) ?? DefaultDemo;
            switch (demo.ToLowerInvariant())
            {
                case "banknote":
                    var options = defaults with
                    {
                        DataDirectory = parse.GetValue(data),
                        OutputDirectory = parse.GetValue(output)!,
                        Seed = parse.GetValue(seed),
                        Epochs = parse.GetValue(epochs),
                    };
                    var result = ProgressDisplay.Run(terminal, progress => BanknoteDemo.Run(options, progress, cancellationToken));
                    foreach (var network in result.Networks)
                        terminal.Out.WriteLine($"{network.Name}: final test accuracy {network.FinalTestAccuracy:0.0000} (layer '{network.Layer}')");
                    terminal.Out.WriteLine($"report: {result.ReportPath}");
                    return Task.FromResult(0);
                case "vowels":
                    // --out and --epochs show the banknote defaults; vowels has its own unless they are given.
                    var vowels = vowelsDefaults with
                    {
                        DataDirectory = parse.GetValue(data),
                        OutputDirectory = parse.GetResult(output) is { Implicit: false } ? parse.GetValue(output)! : vowelsDefaults.OutputDirectory,
                        Seed = parse.GetValue(seed),
                        Epochs = parse.GetResult(epochs) is { Implicit: false } ? parse.GetValue(epochs) : vowelsDefaults.Epochs,
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
