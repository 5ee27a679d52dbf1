using System.CommandLine;
using LayerScope.Cli.Terminal;

namespace LayerScope.Cli.Demos;

/// <summary>
/// A demo as the command line sees it: a name, a line of help, and the options it declares. Each demo is one
/// implementation next to its workflow; <see cref="DemoRegistry"/> lists them, so the list of demos, the help and
/// the dispatch come from one place.
/// </summary>
internal interface IDemo
{
    /// <summary>The subcommand name (<c>layerscope demo NAME</c>).</summary>
    string Name { get; }

    /// <summary>One line for <c>--help</c>.</summary>
    string Description { get; }

    /// <summary>Adds this demo's options to <paramref name="command"/> and makes running it run the demo. Called once
    /// per command that runs it (its subcommand, and <c>demo</c> itself for the default demo), so each gets its own
    /// option objects.</summary>
    void Configure(Command command, CliTerminal terminal);
}
