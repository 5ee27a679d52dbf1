using System.CommandLine;
using LayerScope.Cli.Commands;
using LayerScope.Cli.Terminal;

namespace LayerScope.Cli;

/// <summary>Builds the <c>layerscope</c> root command from the commands in Commands/ and runs it, turning every
/// error into a message and an exit code in one place (<see cref="ErrorPresenter"/>).</summary>
public static class LayerScopeCommandLine
{
    /// <summary>Runs the command line on the process console.</summary>
    public static int Run(string[] args) => Run(args, CliTerminal.ForProcess());

    /// <summary>Runs the command line against <paramref name="terminal"/> (tests pass one that records output).</summary>
    public static int Run(string[] args, CliTerminal terminal)
    {
        var root = BuildRoot(terminal);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && DemoCommand.ExplainForeignOption(parsed) is { } foreign)
        {
            terminal.Error.WriteLine($"error: {foreign}");
            return ErrorPresenter.UserError;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                Output = terminal.Out,
                Error = terminal.Error,
            });
        }
        catch (Exception error)
        {
            return ErrorPresenter.Present(error, terminal);
        }
    }

    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand BuildRoot(CliTerminal terminal)
    {
        var root = new RootCommand("LayerScope: see what a neural network has learned. Capture hidden layers, reduce them "
            + "with PCA, t-SNE or UMAP, and draw them.");
        foreach (var command in CommandCatalog.Create(terminal))
            root.Subcommands.Add(command);
        return root;
    }
}
