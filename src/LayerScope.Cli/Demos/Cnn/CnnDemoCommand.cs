using System.CommandLine;
using System.Globalization;
using LayerScope.Cli.Terminal;
using LayerScope.Units;

namespace LayerScope.Cli.Demos;

/// <summary><c>layerscope demo cnn</c>: its options are <see cref="CnnDemoOptions"/>' settings.</summary>
internal sealed class CnnDemoCommand : DemoDefinition<CnnDemoOptions>
{
    public override string Name => "cnn";

    public override string Description => "A CNN on Fashion-MNIST: feature maps, top-9 images and synthesized inputs per channel, t-SNE of the penultimate layer.";

    protected override Func<ParseResult, CnnDemoOptions, CnnDemoOptions> AddOwnOptions(Command command, CnnDemoOptions defaults)
    {
        // For tests and quick looks; hidden so that help shows the demo as users run it.
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training images.", Hidden = true };
        var testLimit = new Option<int?>("--test-limit") { Description = "Use only the first N test images.", Hidden = true };
        var steps = new Option<int>("--synthesis-steps") { Description = "Gradient-ascent steps per synthesized image.", Hidden = true, DefaultValueFactory = _ => defaults.SynthesisSteps };
        var objective = new Option<SynthesisObjective>("--synthesis-objective")
        {
            Description = "What each channel's synthesized image raises: Unit (the neuron at the centre of the map) or ChannelMean (the mean over positions).",
            DefaultValueFactory = _ => defaults.SynthesisObjective,
        };
        foreach (var option in new Option[] { trainLimit, testLimit, steps, objective }) command.Options.Add(option);
        return (parse, options) => options with
        {
            TrainLimit = parse.GetValue(trainLimit),
            TestLimit = parse.GetValue(testLimit),
            SynthesisSteps = parse.GetValue(steps),
            SynthesisObjective = parse.GetValue(objective),
        };
    }

    protected override void Run(CnnDemoOptions options, CliTerminal terminal, CancellationToken cancellationToken)
    {
        var result = ProgressDisplay.Run(terminal, progress => CnnDemo.Run(options, progress, cancellationToken));
        terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"test accuracy {result.TestAccuracy:0.0000} after {result.Epochs.Count} epochs ({result.TrainingTime.TotalSeconds:0} s); unit scan {result.ScanImagesPerSecond:0} images/s"));
        foreach (var (layer, fraction) in result.SynthesisReached)
            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{layer}: synthesis reaches 10× the mean activation in {fraction:P0} of channels (objective {options.SynthesisObjective})"));
        terminal.Out.WriteLine($"report: {result.ReportPath}");
        PrintTensorBoard(terminal, result.TensorBoard);
    }
}
