using Spectre.Console;

namespace LayerScope.Cli.Terminal;

/// <summary>Where the command line writes: a Spectre console for tables and progress, and plain writers for
/// System.CommandLine's help and errors. Tests build one around string writers.</summary>
public sealed class CliTerminal
{
    public CliTerminal(IAnsiConsole console, TextWriter @out, TextWriter error)
    {
        Console = console;
        Out = @out;
        Error = error;
    }

    /// <summary>The console for rich output (tables, colors, progress bars).</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Plain standard output.</summary>
    public TextWriter Out { get; }

    /// <summary>Plain standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>Live progress bars need a terminal that is interactive and understands ANSI escapes; otherwise
    /// (output redirected to a file or a CI log) progress is written as plain lines.</summary>
    public bool SupportsLiveProgress => Console.Profile.Capabilities.Interactive && Console.Profile.Capabilities.Ansi;

    /// <summary>The process's own console.</summary>
    public static CliTerminal ForProcess() => new(AnsiConsole.Console, System.Console.Out, System.Console.Error);

    /// <summary>A terminal that records everything written, without colors or live output.</summary>
    public static CliTerminal Recording(StringWriter output, StringWriter error)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 160;
        return new CliTerminal(console, output, error);
    }
}
