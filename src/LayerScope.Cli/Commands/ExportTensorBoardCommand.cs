using System.CommandLine;
using LayerScope.Cli.Terminal;
using LayerScope.Workflows.TensorBoard;

namespace LayerScope.Cli.Commands;

/// <summary><c>layerscope export-tensorboard RUN_DIR --out DIR</c>: a run's training dynamics as TensorBoard event
/// files and its activations and embeddings as projector files.</summary>
public static class ExportTensorBoardCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var run = new Argument<string>("RUN_DIR") { Description = "A LayerScope run folder (with run.json)." };
        var output = new Option<string>("--out") { Description = "The TensorBoard log folder to write (then: tensorboard --logdir DIR).", Required = true };
        var noProjector = new Option<bool>("--no-projector") { Description = "Leave out the embedding projector's files." };
        var command = new Command("export-tensorboard", "Write a run's training curves, histograms and embeddings as files TensorBoard reads.")
        {
            run, output, noProjector,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new TensorBoardExportOptions
            {
                RunDirectory = parse.GetValue(run)!,
                OutputDirectory = parse.GetValue(output)!,
                Projector = !parse.GetValue(noProjector),
            };
            var result = ProgressDisplay.Run(terminal, progress => TensorBoardExport.Run(options, progress, cancellationToken));
            foreach (var network in result.Networks) terminal.Out.WriteLine($"{network}: scalars and histograms");
            if (result.ProjectorTensors > 0)
                terminal.Out.WriteLine($"projector: {result.ProjectorTensors} tensors{(result.Sprite ? ", with a sprite" : "")}");
            terminal.Out.WriteLine($"tensorboard --logdir {result.OutputDirectory}");
            return Task.FromResult(0);
        });
        return command;
    }
}
