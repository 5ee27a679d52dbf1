using LayerScope.Server;
using LayerScope.Testing;

namespace LayerScope.Viewer.Tests;

/// <summary>A fixture run served by <see cref="ViewerServer"/> on a free loopback port, and a folder for what the
/// scenarios write (screenshots, result.json). Dispose to stop the server and delete both folders.</summary>
public sealed class ViewerSession : IAsyncDisposable
{
    private readonly TemporaryFolder _runs = new();
    private readonly TemporaryFolder _output = new();
    private ViewerServer? _server;

    /// <summary>The run written.</summary>
    public ViewerFixtureRun Run { get; private set; } = null!;

    /// <summary>The viewer's address.</summary>
    public Uri Url => _server!.Url;

    /// <summary>Where the scenarios write.</summary>
    public string OutputFolder => _output.Path;

    public static async Task<ViewerSession> StartAsync(int points = 150, string inputs = "text", bool stepsEmbedding = false, bool dynamics = false, bool relevance = false,
        bool units = false)
    {
        var session = new ViewerSession();
        session.Run = ViewerFixtureRun.Write(Path.Combine(session._runs.Path, "fixture"), points, inputs, stepsEmbedding: stepsEmbedding, dynamics: dynamics, relevance: relevance,
            units: units);
        session._server = await ViewerServer.StartAsync(new ViewerServerOptions { Directory = session._runs.Path, Port = 0 });
        return session;
    }

    public Task<System.Text.Json.JsonElement> RunScenarioAsync(string name, params string[] arguments) =>
        BrowserScenario.RunAsync(name, Url, Path.Combine(OutputFolder, name), arguments);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _runs.Dispose();
        _output.Dispose();
    }
}
