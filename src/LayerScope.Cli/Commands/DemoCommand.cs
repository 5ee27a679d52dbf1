using System.CommandLine;
using System.CommandLine.Parsing;
using LayerScope.Cli.Demos;
using LayerScope.Cli.Terminal;

namespace LayerScope.Cli.Commands;

/// <summary><c>layerscope demo [NAME] [OPTIONS]</c>: runs a complete workflow and writes its report. Each demo of
/// <see cref="DemoRegistry"/> is a subcommand with only its own options; <c>demo</c> without a name runs the default
/// demo and takes its options. An option of another demo is refused with a message naming the demo it belongs to.</summary>
internal static class DemoCommand
{
    /// <summary>The demo run when no name is given.</summary>
    public static string DefaultDemo => DemoRegistry.Default.Name;

    /// <summary>Every demo by name.</summary>
    public static IReadOnlyList<string> Demos { get; } = [.. DemoRegistry.All.Select(d => d.Name)];

    public static Command Create(CliTerminal terminal)
    {
        var command = new Command("demo", $"Run a complete workflow end to end and write an HTML report: {string.Join(", ", Demos)} "
            + $"(default {DefaultDemo}, whose options 'demo' takes). 'layerscope demo NAME --help' lists a demo's options.");
        DemoRegistry.Default.Configure(command, terminal);
        foreach (var demo in DemoRegistry.All)
        {
            var subcommand = new Command(demo.Name, demo.Description);
            demo.Configure(subcommand, terminal);
            // Options written before the demo's name belong to the default demo and would be ignored: refuse them.
            subcommand.Validators.Add(result =>
            {
                if (result.Parent is not CommandResult parent) return;
                foreach (var given in parent.Children.OfType<OptionResult>().Where(o => !o.Implicit))
                    result.AddError($"{given.Option.Name} is written before '{demo.Name}' and would be ignored; put the options after the demo's name: layerscope demo {demo.Name} {given.Option.Name} ...");
            });
            command.Subcommands.Add(subcommand);
        }
        return command;
    }

    /// <summary>When <paramref name="parsed"/> ran into an option that another demo declares, the message that says
    /// so (which demo it belongs to, and which options this one takes); null otherwise.</summary>
    public static string? ExplainForeignOption(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var command = parsed.CommandResult.Command;
        bool isDemo = command.Name == "demo" || command.Parents.OfType<Command>().Any(p => p.Name == "demo");
        if (!isDemo) return null;
        string demoName = command.Name == "demo" ? DefaultDemo : command.Name;
        foreach (var token in parsed.UnmatchedTokens.Where(t => t.StartsWith('-')))
        {
            var owners = DemoSubcommands(command).Where(c => c.Name != demoName && c.Options.Any(o => o.Name == token || o.Aliases.Contains(token)))
                .Select(c => c.Name).ToList();
            if (owners.Count == 0) continue;
            var own = string.Join(", ", command.Options.Where(o => !o.Hidden && o.Name.StartsWith("--", StringComparison.Ordinal)).Select(o => o.Name));
            return $"{token} is an option of demo {(owners.Count > 1 ? string.Join(", ", owners.Take(owners.Count - 1)) + " and " + owners[^1] : owners[0])}, not of demo {demoName}; demo {demoName} takes {own}.";
        }
        return null;
    }

    private static IEnumerable<Command> DemoSubcommands(Command command)
    {
        var demo = command.Name == "demo" ? command : command.Parents.OfType<Command>().First(p => p.Name == "demo");
        return demo.Subcommands;
    }
}
