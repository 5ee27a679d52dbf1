using System.CommandLine;
using LayerScope.Cli.Terminal;

namespace LayerScope.Cli.Demos;

/// <summary><c>layerscope demo banknote</c>: its options are <see cref="BanknoteDemoOptions"/>' settings.</summary>
internal sealed class BanknoteDemoCommand : DemoDefinition<BanknoteDemoOptions>
{
    public override string Name => "banknote";

    public override string Description => "MLPs 4→2→1 and 4→3→2→1 on the banknote data: the 2-unit layer after every epoch.";

    protected override Func<ParseResult, BanknoteDemoOptions, BanknoteDemoOptions> AddOwnOptions(Command command, BanknoteDemoOptions defaults)
    {
        var tensorboard = new Option<string?>("--tensorboard") { Description = "Also write a TensorBoard log folder here (training curves, histograms, projector)." };
        command.Options.Add(tensorboard);
        return (parse, options) => options with { TensorBoardDirectory = parse.GetValue(tensorboard) };
    }

    protected override void Run(BanknoteDemoOptions options, CliTerminal terminal, CancellationToken cancellationToken)
    {
        var result = ProgressDisplay.Run(terminal, progress => BanknoteDemo.Run(options, progress, cancellationToken));
        foreach (var network in result.Networks)
            terminal.Out.WriteLine($"{network.Name}: final test accuracy {network.FinalTestAccuracy:0.0000} (layer '{network.Layer}')");
        terminal.Out.WriteLine($"report: {result.ReportPath}");
        if (result.TensorBoard is { } board) terminal.Out.WriteLine($"tensorboard --logdir {board.OutputDirectory}");
    }
}
