using System.CommandLine;

namespace LayerScope.Cli.Demos;

/// <summary>The options most demos share, with the same names and help everywhere, added to a demo's command in one
/// call. Built fresh for each command, since the default demo's options also sit on <c>demo</c> itself.</summary>
/// <param name="Data">--data, for demos on real data sets; null for the others.</param>
/// <param name="Output">--out.</param>
/// <param name="Seed">--seed.</param>
/// <param name="Epochs">--epochs, for demos that train by epochs; null for the others.</param>
/// <param name="TensorBoard">--tensorboard: every demo trains and can write a TensorBoard log folder.</param>
internal sealed record DemoOptionsCommon(Option<string?>? Data, Option<string?> Output, Option<int> Seed, Option<int>? Epochs, Option<string?> TensorBoard)
{
    /// <summary>Adds --data (when <paramref name="data"/>), --out, --seed, --epochs (when <paramref name="epochs"/>
    /// is given) and --tensorboard to <paramref name="command"/>, with the demo's defaults.</summary>
    public static DemoOptionsCommon AddTo(Command command, string outputFolder, int seed, int? epochs = null, bool data = true)
    {
        ArgumentNullException.ThrowIfNull(command);
        var common = new DemoOptionsCommon(
            data ? new Option<string?>("--data") { Description = "Data folder (default: LAYERSCOPE_DATA, else the per-user cache)." } : null,
            new Option<string?>("--out") { Description = $"Output folder for the report, figures, metrics and arrays (default {outputFolder})." },
            new Option<int>("--seed") { Description = "Random seed; equal seeds give equal results.", DefaultValueFactory = _ => seed },
            epochs is int count ? new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => count } : null,
            new Option<string?>("--tensorboard") { Description = "Also write a TensorBoard log folder here (training curves, histograms, projector)." });
        foreach (var option in new Option?[] { common.Data, common.Output, common.Seed, common.Epochs, common.TensorBoard })
            if (option is not null) command.Options.Add(option);
        return common;
    }
}
