using System.CommandLine;
using LayerScope.Cli.Terminal;

namespace LayerScope.Cli.Demos;

/// <summary><c>layerscope demo vowels</c>: its options are <see cref="VowelsDemoOptions"/>' settings.</summary>
internal sealed class VowelsDemoCommand : IDemo
{
    public string Name => "vowels";

    public string Description => "LSTM(100) on Japanese Vowels: h_t and c_t at every step, heatmaps, t-SNE by speaker.";

    public void Configure(Command command, CliTerminal terminal)
    {
        var defaults = new VowelsDemoOptions();
        var common = DemoOptionsCommon.AddTo(command, defaults.OutputDirectory, defaults.Seed, defaults.Epochs);
        var observation = new Option<int>("--observation") { Description = "The test sequence (0-based) drawn in the feature and state figures.", DefaultValueFactory = _ => defaults.Observation };
        var units = new Option<int[]>("--units") { Description = "The hidden units (0-based) of the smaller heatmaps (default 0 to 9).", AllowMultipleArgumentsPerToken = true };
        foreach (var option in new Option[] { observation, units }) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) =>
        {
            var options = defaults with
            {
                DataDirectory = parse.GetValue(common.Data!),
                OutputDirectory = parse.GetValue(common.Output) ?? defaults.OutputDirectory,
                Seed = parse.GetValue(common.Seed),
                Epochs = parse.GetValue(common.Epochs!),
                Observation = parse.GetValue(observation),
                Units = parse.GetValue(units) is { Length: > 0 } chosen ? chosen : defaults.Units,
            };
            var result = ProgressDisplay.Run(terminal, progress => VowelsDemo.Run(options, progress, cancellationToken));
            terminal.Out.WriteLine($"vowels-lstm: test accuracy {result.FinalTestAccuracy:0.0000} on {result.TestReport.Classes.Sum(c => c.Support)} test sequences");
            terminal.Out.WriteLine($"report: {result.ReportPath}");
            return Task.FromResult(0);
        });
    }
}
