using System.CommandLine;
using System.Globalization;
using LayerScope.Cli.Terminal;

namespace LayerScope.Cli.Demos;

/// <summary><c>layerscope demo cnn</c>: its options are <see cref="CnnDemoOptions"/>' settings.</summary>
internal sealed class CnnDemoCommand : IDemo
{
    public string Name => "cnn";

    public string Description => "A CNN on Fashion-MNIST: feature maps, top-9 images and synthesized inputs per channel, t-SNE of the penultimate layer.";

    public void Configure(Command command, CliTerminal terminal)
    {
        var defaults = new CnnDemoOptions();
        var common = DemoOptionsCommon.AddTo(command, defaults.OutputDirectory, defaults.Seed, defaults.Epochs);
        // For tests and quick looks; hidden so that help shows the demo as users run it.
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training images.", Hidden = true };
        var testLimit = new Option<int?>("--test-limit") { Description = "Use only the first N test images.", Hidden = true };
        var steps = new Option<int>("--synthesis-steps") { Description = "Gradient-ascent steps per synthesized image.", Hidden = true, DefaultValueFactory = _ => defaults.SynthesisSteps };
        foreach (var option in new Option[] { trainLimit, testLimit, steps }) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) =>
        {
            var options = defaults with
            {
                DataDirectory = parse.GetValue(common.Data!),
                OutputDirectory = parse.GetValue(common.Output) ?? defaults.OutputDirectory,
                Seed = parse.GetValue(common.Seed),
                Epochs = parse.GetValue(common.Epochs!),
                TrainLimit = parse.GetValue(trainLimit),
                TestLimit = parse.GetValue(testLimit),
                SynthesisSteps = parse.GetValue(steps),
            };
            var result = ProgressDisplay.Run(terminal, progress => CnnDemo.Run(options, progress, cancellationToken));
            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"test accuracy {result.TestAccuracy:0.0000} after {result.Epochs.Count} epochs ({result.TrainingTime.TotalSeconds:0} s); unit scan {result.ScanImagesPerSecond:0} images/s"));
            foreach (var (layer, fraction) in result.SynthesisReached)
                terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{layer}: synthesis reaches 10× the mean activation in {fraction:P0} of channels"));
            terminal.Out.WriteLine($"report: {result.ReportPath}");
            return Task.FromResult(0);
        });
    }
}
