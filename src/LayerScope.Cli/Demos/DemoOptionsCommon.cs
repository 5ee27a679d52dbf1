using System.CommandLine;

namespace LayerScope.Cli.Demos;

/// <summary>The options most demos share, built fresh for each command, with the same names and help everywhere.</summary>
internal static class DemoOptionsCommon
{
    public static Option<string?> Data() => new("--data") { Description = "Data folder (default: LAYERSCOPE_DATA, else the per-user cache)." };

    public static Option<string?> Output(string defaultFolder) =>
        new("--out") { Description = $"Output folder for the report, figures, metrics and arrays (default {defaultFolder})." };

    public static Option<int> Seed(int defaultSeed) =>
        new("--seed") { Description = "Random seed; equal seeds give equal results.", DefaultValueFactory = _ => defaultSeed };

    public static Option<int> Epochs(int defaultEpochs) =>
        new("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => defaultEpochs };
}
