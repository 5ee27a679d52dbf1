using System.CommandLine;
using LayerScope.Cli.Terminal;
using LayerScope.Workflows.TensorBoard;

namespace LayerScope.Cli.Demos;

/// <summary>The settings every demo's options record shares with the command line: --data, --out, --seed, --epochs,
/// --tensorboard.</summary>
/// <param name="DataDirectory">The data folder; null for the default choice.</param>
/// <param name="OutputDirectory">Where the report goes.</param>
/// <param name="Seed">The random seed.</param>
/// <param name="Epochs">Training epochs; null for a demo that does not train by epochs.</param>
/// <param name="ReadsData">Whether the demo reads a data folder (and so takes --data).</param>
public sealed record DemoSharedSettings(string? DataDirectory, string OutputDirectory, int Seed, int? Epochs, bool ReadsData = true)
{
    /// <summary>Where to write a TensorBoard log folder of the run after it is written (--tensorboard); none when null.
    /// Every demo trains, records its training dynamics and so can write one.</summary>
    public string? TensorBoardDirectory { get; init; }
}

/// <summary>An options record the command line can fill: it says its shared settings and takes them back.</summary>
internal interface IDemoSettings<out TSelf>
{
    /// <summary>The record's shared settings (its defaults, on a fresh record).</summary>
    DemoSharedSettings Shared { get; }

    /// <summary>A copy with <paramref name="settings"/> applied.</summary>
    TSelf WithShared(DemoSharedSettings settings);
}

/// <summary>
/// A demo on the command line, written once: the shared options with the options record's defaults, the demo's own
/// options, and running it from the filled record. A demo declares only its name, its own options and what it prints.
/// </summary>
internal abstract class DemoDefinition<TOptions> : IDemo where TOptions : class, IDemoSettings<TOptions>, new()
{
    public abstract string Name { get; }

    public abstract string Description { get; }

    /// <summary>Adds the demo's own options to <paramref name="command"/>; returns how they change the record.</summary>
    protected virtual Func<ParseResult, TOptions, TOptions> AddOwnOptions(Command command, TOptions defaults) => (_, options) => options;

    /// <summary>Runs the demo (with progress) and prints what a person wants to see afterwards.</summary>
    protected abstract void Run(TOptions options, CliTerminal terminal, CancellationToken cancellationToken);

    /// <summary>Prints how to open the TensorBoard folder a demo wrote, when it wrote one.</summary>
    protected static void PrintTensorBoard(CliTerminal terminal, TensorBoardExportResult? export)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        if (export is not null) terminal.Out.WriteLine($"tensorboard --logdir {export.OutputDirectory}");
    }

    public void Configure(Command command, CliTerminal terminal)
    {
        var defaults = new TOptions();
        var shared = defaults.Shared;
        var common = DemoOptionsCommon.AddTo(command, shared.OutputDirectory, shared.Seed, shared.Epochs, shared.ReadsData);
        var own = AddOwnOptions(command, defaults);
        command.SetAction((parse, cancellationToken) =>
        {
            var given = shared with
            {
                DataDirectory = common.Data is null ? null : parse.GetValue(common.Data),
                OutputDirectory = parse.GetValue(common.Output) ?? shared.OutputDirectory,
                Seed = parse.GetValue(common.Seed),
                Epochs = common.Epochs is null ? null : parse.GetValue(common.Epochs),
                TensorBoardDirectory = parse.GetValue(common.TensorBoard),
            };
            Run(own(parse, defaults.WithShared(given)), terminal, cancellationToken);
            return Task.FromResult(0);
        });
    }
}
