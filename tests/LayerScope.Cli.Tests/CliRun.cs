using LayerScope.Cli.Terminal;

namespace LayerScope.Cli.Tests;

/// <summary>Runs the command line in-process and records what it wrote.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Of(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = LayerScopeCommandLine.Run(args, CliTerminal.Recording(output, error));
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
