using System.CommandLine;
using System.Globalization;
using LayerScope.Cli.Terminal;

namespace LayerScope.Cli.Demos;

/// <summary><c>layerscope demo charrnn</c> (the default demo): its options are <see cref="CharRnnDemoOptions"/>' settings.</summary>
internal sealed class CharRnnDemoCommand : DemoDefinition<CharRnnDemoOptions>
{
    public override string Name => "charrnn";

    public override string Description => "A character LSTM on a text (default: LayerScope's own source): cells that track strings, nesting and lines.";

    protected override Func<ParseResult, CharRnnDemoOptions, CharRnnDemoOptions> AddOwnOptions(Command command, CharRnnDemoOptions defaults)
    {
        var text = new Option<string?>("--text") { Description = "The text or source file to train on (default: LayerScope's own C# source, built into the tool)." };
        var steps = new Option<int>("--steps")
        {
            Description = $"Training steps at most (training also stops after {defaults.TimeLimit?.TotalMinutes:0} minutes).",
            DefaultValueFactory = _ => defaults.Steps,
        };
        command.Options.Add(text);
        command.Options.Add(steps);
        return (parse, options) => options with { TextFile = parse.GetValue(text), Steps = parse.GetValue(steps) };
    }

    protected override void Run(CharRnnDemoOptions options, CliTerminal terminal, CancellationToken cancellationToken)
    {
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
        PrintTensorBoard(terminal, result.TensorBoard);
    }
}
