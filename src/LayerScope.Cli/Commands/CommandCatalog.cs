using System.CommandLine;
using LayerScope.Cli.Terminal;

namespace LayerScope.Cli.Commands;

/// <summary>Every subcommand of <c>layerscope</c>, one file each in this folder.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> Create(CliTerminal terminal)
    {
        yield return LayersCommand.Create(terminal);
        yield return CaptureCommand.Create(terminal);
        yield return EmbedCommand.Create(terminal);
        yield return QualityCommand.Create(terminal);
        yield return InspectCommand.Create(terminal);
        yield return ExplainCommand.Create(terminal);
        yield return UnitsCommand.Create(terminal);
        yield return GradientCommand.Create(terminal);
        yield return DemoCommand.Create(terminal);
        yield return ExportTensorBoardCommand.Create(terminal);
        yield return DataCommand.Create(terminal);
        yield return ServeCommand.Create(terminal);
    }
}
