using LayerScope.Cli.Terminal;

namespace LayerScope.Cli.Demos;

/// <summary><c>layerscope demo banknote</c>: its options are <see cref="BanknoteDemoOptions"/>' settings.</summary>
internal sealed class BanknoteDemoCommand : DemoDefinition<BanknoteDemoOptions>
{
    public override string Name => "banknote";

    public override string Description => "MLPs 4→2→1 and 4→3→2→1 on the banknote data: the 2-unit layer after every epoch.";

    protected override void Run(BanknoteDemoOptions options, CliTerminal terminal, CancellationToken cancellationToken)
    {
        var result = ProgressDisplay.Run(terminal, progress => BanknoteDemo.Run(options, progress, cancellationToken));
        foreach (var network in result.Networks)
            terminal.Out.WriteLine($"{network.Name}: final test accuracy {network.FinalTestAccuracy:0.0000} (layer '{network.Layer}')");
        terminal.Out.WriteLine($"report: {result.ReportPath}");
        PrintTensorBoard(terminal, result.TensorBoard);
    }
}
