using System.CommandLine;
using System.Globalization;
using LayerScope.Cli.Terminal;
using LayerScope.Workflows.Units;

namespace LayerScope.Cli.Commands;

/// <summary><c>layerscope units --model M.onnx --layer L --input X.npy --out DIR</c>: feature maps, top-k inputs with
/// receptive-field patches and synthesized inputs for every channel of one convolutional layer.</summary>
internal static class UnitsCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var model = new Option<string>("--model") { Description = "An ONNX model file.", Required = true };
        var layer = new Option<string>("--layer") { Description = "A tensor, node or module scope whose tensor is [N, C, H, W] or [N, C, L] (`layerscope layers` lists them).", Required = true };
        var input = new Option<string>("--input") { Description = "An .npy file of float inputs [N, C, H, W] or [N, C, L].", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder (written all at once).", Required = true };
        var top = new Option<int>("--top") { Description = "Inputs kept per channel.", DefaultValueFactory = _ => 9 };
        var steps = new Option<int>("--synthesis-steps") { Description = "Gradient-ascent steps per synthesized input (0: none).", DefaultValueFactory = _ => 128 };
        var seed = new Option<int>("--seed") { Description = "Seeds the synthesis.", DefaultValueFactory = _ => 1 };
        var command = new Command("units", "Inside a convolutional layer of an ONNX model: every channel's feature maps, the inputs (and receptive-field "
            + "patches) that excite it most, and an input synthesized to excite it.");
        foreach (var option in new Option[] { model, layer, input, output, top, steps, seed }) command.Options.Add(option);
        command.SetAction(parseResult =>
        {
            var options = new UnitsOptions
            {
                ModelPath = parseResult.GetValue(model)!, Layer = parseResult.GetValue(layer)!, InputPath = parseResult.GetValue(input)!,
                OutputDirectory = parseResult.GetValue(output)!, TopK = parseResult.GetValue(top), SynthesisSteps = parseResult.GetValue(steps),
                Seed = parseResult.GetValue(seed),
            };
            var result = ProgressDisplay.Run(terminal, progress => UnitsWorkflow.Run(options, progress));
            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Channels} channels scanned at {result.ScanExamplesPerSecond:0} inputs/s; ")
                + (result.Field.IsKnown ? $"receptive field {result.Field.Rows!.Size}×{result.Field.Columns!.Size}." : result.Field.Problem));
            terminal.Out.WriteLine(result.SynthesisProblem is null
                ? string.Create(CultureInfo.InvariantCulture, $"synthesis reaches 10× the mean activation in {result.SynthesisReached:P0} of channels.")
                : $"no synthesized inputs: {result.SynthesisProblem}");
            terminal.Out.WriteLine($"report: {Path.Combine(result.OutputDirectory, "report.html")}");
            return 0;
        });
        return command;
    }
}
