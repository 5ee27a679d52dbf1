using System.CommandLine;
using System.Runtime.InteropServices;
using LayerScope.Cli.Terminal;
using LayerScope.Server;

namespace LayerScope.Cli.Commands;

/// <summary><c>layerscope serve DIR [--port P] [--host H]</c>: the browser viewer over every run under DIR, until
/// Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var defaults = new ViewerServerOptions { Directory = "." };
        var directory = new Argument<string>("DIR") { Description = "The folder holding runs (run.json in it or in sub-folders down to three levels)." };
        var port = new Option<int>("--port") { Description = "The TCP port (0: any free port).", DefaultValueFactory = _ => defaults.Port };
        var host = new Option<string>("--host") { Description = "The address to listen on. Anything but loopback lets other computers read the runs.", DefaultValueFactory = _ => defaults.Host };
        var cache = new Option<int>("--cache-mb")
        {
            Description = "The most MiB of run data (arrays, strings, neighbour indexes) kept in memory; what was used longest ago is read again when needed.",
            DefaultValueFactory = _ => (int)(defaults.CacheBytes >> 20),
        };
        var command = new Command("serve", "Show the runs under a folder in the browser: scatter plots, neighbours, inputs, over epochs.") { directory, port, host, cache };
        command.SetAction((parse, cancellationToken) => RunAsync(new ViewerServerOptions
        {
            Directory = parse.GetValue(directory)!,
            Port = parse.GetValue(port),
            Host = parse.GetValue(host)!,
            CacheBytes = (long)parse.GetValue(cache) << 20,
        }, terminal, cancellationToken));
        return command;
    }

    /// <summary>Serves until <paramref name="cancellationToken"/> is cancelled (Ctrl+C), then stops and returns 0.</summary>
    /// <param name="options">What to serve; a non-loopback host is allowed here, with a warning, because the user asked
    /// for it by name.</param>
    /// <param name="terminal">Where the address and warnings go.</param>
    /// <param name="cancellationToken">Stops the server.</param>
    /// <param name="started">Called with the server once it listens (tests use it).</param>
    internal static async Task<int> RunAsync(ViewerServerOptions options, CliTerminal terminal, CancellationToken cancellationToken, Action<ViewerServer>? started = null)
    {
        if (!ViewerServer.IsLoopback(options.Host))
            terminal.Error.WriteLine($"warning: listening on {options.Host}, which is not a loopback address: anyone who can reach this "
                + "computer can read every run under the folder. The viewer has no login.");
        // Skipped runs (at start and whenever the list is searched again) and internal errors are told here: answers
        // to the page carry neither absolute paths nor stack traces.
        await using var server = await ViewerServer.StartAsync(options with
        {
            AllowNonLoopback = true,
            Warning = options.Warning ?? (message => terminal.Error.WriteLine($"warning: {message}")),
        }, cancellationToken);
        terminal.Out.WriteLine($"{server.Catalog.Runs.Count} run(s) under {server.Catalog.Directory}");
        terminal.Out.WriteLine($"LayerScope viewer: {server.Url}");
        terminal.Out.WriteLine("press Ctrl+C to stop");
        started?.Invoke(server);
        // The command line runs actions synchronously, and that path of System.CommandLine installs no Ctrl+C handler:
        // without these registrations SIGINT would kill the process (exit 130) instead of stopping the server.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C is how a user ends serving: not an error.
        }
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }
}
