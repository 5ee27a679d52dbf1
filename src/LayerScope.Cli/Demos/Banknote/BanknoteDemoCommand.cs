using System.CommandLine;
using LayerScope.Cli.Terminal;

namespace LayerScope.Cli.Demos;

/// <summary><c>layerscope demo banknote</c>: its options are <see cref="BanknoteDemoOptions"/>' settings.</summary>
internal sealed class BanknoteDemoCommand : IDemo
{
    public string Name => "banknote";

    public string Description => "MLPs 4→2→1 and 4→3→2→1 on the banknote data: the 2-unit layer after every epoch.";

    public void Configure(Command command, CliTerminal terminal)
    {
        var defaults = new BanknoteDemoOptions();
        var common = DemoOptionsCommon.AddTo(command, defaults.OutputDirectory, defaults.Seed, defaults.Epochs);
        var tensorboard = new Option<string?>("--tensorboard") { Description = "Also write a TensorBoard log folder here (training curves, histograms, projector)." };
        command.Options.Add(tensorboard);
        command.SetAction((parse, cancellationToken) =>
        {
            var options = defaults with
            {
                DataDirectory = parse.GetValue(common.Data!),
                OutputDirectory = parse.GetValue(common.Output) ?? defaults.OutputDirectory,
                Seed = parse.GetValue(common.Seed),
                Epochs = parse.GetValue(common.Epochs!),
                TensorBoardDirectory = parse.GetValue(tensorboard),
            };
            var result = ProgressDisplay.Run(terminal, progress => BanknoteDemo.Run(options, progress, cancellationToken));
            foreach (var network in result.Networks)
                terminal.Out.WriteLine($"{network.Name}: final test accuracy {network.FinalTestAccuracy:0.0000} (layer '{network.Layer}')");
            terminal.Out.WriteLine($"report: {result.ReportPath}");
            if (result.TensorBoard is { } board) terminal.Out.WriteLine($"tensorboard --logdir {board.OutputDirectory}");
            return Task.FromResult(0);
        });
    }
}
