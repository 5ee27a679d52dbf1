using System.CommandLine;
using System.Globalization;
using LayerScope.Cli.Terminal;

namespace LayerScope.Cli.Demos;

/// <summary><c>layerscope demo charrnn</c> (the default demo): its options are <see cref="CharRnnDemoOptions"/>' settings.</summary>
internal sealed class CharRnnDemoCommand : IDemo
{
    public string Name => "charrnn";

    public string Description => "A character LSTM on a text (default: LayerScope's own source): cells that track strings, nesting and lines.";

    public void Configure(Command command, CliTerminal terminal)
    {
        var defaults = new CharRnnDemoOptions();
        var common = DemoOptionsCommon.AddTo(command, defaults.OutputDirectory, defaults.Seed, data: false);
        var text = new Option<string?>("--text") { Description = "The text or source file to train on (default: LayerScope's own C# source, built into the tool)." };
        var steps = new Option<int>("--steps")
        {
            Description = $"Training steps at most (training also stops after {defaults.TimeLimit?.TotalMinutes:0} minutes).",
            DefaultValueFactory = _ => defaults.Steps,
        };
        foreach (var option in new Option[] { text, steps }) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) =>
        {
            var options = defaults with
            {
                TextFile = parse.GetValue(text),
                OutputDirectory = parse.GetValue(common.Output) ?? defaults.OutputDirectory,
                Seed = parse.GetValue(common.Seed),
                Steps = parse.GetValue(steps),
            };
            var result = ProgressDisplay.Run(terminal, progress => CharRnnDemo.Run(options, progress, cancellationToken));
            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"trained on {result.Corpus}: {result.Steps.Count} steps, held-out loss {result.HeldOutLoss:0.000} nats per character"));
            foreach (var feature in result.Cells)
            {
                var best = feature.Top[0];
                terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{feature.Feature.Name}: {best.Layer} cell {best.Cell}, r = {best.R:0.000} (median |r| {feature.MedianAbsR:0.000})"));
            }
            terminal.Out.WriteLine($"report: {result.ReportPath}");
            return Task.FromResult(0);
        });
    }
}
