using System.CommandLine;
using LayerScope.Cli.Terminal;

namespace LayerScope.Cli.Demos;

/// <summary><c>layerscope demo vowels</c>: its options are <see cref="VowelsDemoOptions"/>' settings.</summary>
internal sealed class VowelsDemoCommand : DemoDefinition<VowelsDemoOptions>
{
    public override string Name => "vowels";

    public override string Description => "LSTM(100) on Japanese Vowels: h_t and c_t at every step, heatmaps, t-SNE by speaker.";

    protected override Func<ParseResult, VowelsDemoOptions, VowelsDemoOptions> AddOwnOptions(Command command, VowelsDemoOptions defaults)
    {
        var observation = new Option<int>("--observation") { Description = "The test sequence (0-based) drawn in the feature and state figures.", DefaultValueFactory = _ => defaults.Observation };
        var units = new Option<int[]>("--units") { Description = "The hidden units (0-based) of the smaller heatmaps (default 0 to 9).", AllowMultipleArgumentsPerToken = true };
        command.Options.Add(observation);
        command.Options.Add(units);
        return (parse, options) => options with
        {
            Observation = parse.GetValue(observation),
            Units = parse.GetValue(units) is { Length: > 0 } chosen ? chosen : defaults.Units,
        };
    }

    protected override void Run(VowelsDemoOptions options, CliTerminal terminal, CancellationToken cancellationToken)
    {
        var result = ProgressDisplay.Run(terminal, progress => VowelsDemo.Run(options, progress, cancellationToken));
        terminal.Out.WriteLine($"vowels-lstm: test accuracy {result.FinalTestAccuracy:0.0000} on {result.TestReport.Classes.Sum(c => c.Support)} test sequences");
        terminal.Out.WriteLine($"report: {result.ReportPath}");
        PrintTensorBoard(terminal, result.TensorBoard);
    }
}
