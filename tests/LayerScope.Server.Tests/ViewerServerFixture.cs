using LayerScope.Runs;
using LayerScope.Testing;

namespace LayerScope.Server.Tests;

/// <summary>One server for the API tests, on 127.0.0.1 and a free port, over a folder of fixture runs: "text" at the
/// top level and, one and two levels down, runs with values, sequence and image inputs; the image run has training
/// dynamics.</summary>
public sealed class ViewerServerFixture : IAsyncLifetime
{
    private readonly TemporaryFolder _folder = new();

    public ViewerServer Server { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>GETs <paramref name="url"/>, asserts success and returns the JSON answer.</summary>
    public async Task<System.Text.Json.JsonElement> GetJson(string url)
    {
        using var response = await Client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {text}");
        return System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();
    }

    public ViewerFixtureRun TextRun { get; private set; } = null!;

    public ViewerFixtureRun ValuesRun { get; private set; } = null!;

    public ViewerFixtureRun SequenceRun { get; private set; } = null!;

    public ViewerFixtureRun ImageRun { get; private set; } = null!;

    public string Folder => _folder.Path;

    public async Task InitializeAsync()
    {
        TextRun = ViewerFixtureRun.Write(Path.Combine(_folder.Path, "text"), points: 120, title: "Text run");
        ValuesRun = ViewerFixtureRun.Write(Path.Combine(_folder.Path, "more", "values"), points: 40, inputs: RunInputs.ValuesKind, title: "Values run");
        SequenceRun = ViewerFixtureRun.Write(Path.Combine(_folder.Path, "more", "deeper", "sequence"), points: 30, inputs: RunInputs.SequenceKind, title: "Sequence run");
        ImageRun = ViewerFixtureRun.Write(Path.Combine(_folder.Path, "image"), points: 20, inputs: RunInputs.ImageKind, title: "Image run", dynamics: true, units: true);
        Server = await ViewerServer.StartAsync(new ViewerServerOptions { Directory = _folder.Path, Port = 0 });
        Client = new HttpClient { BaseAddress = Server.Url };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        _folder.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ViewerServerCollection : ICollectionFixture<ViewerServerFixture>
{
    public const string Name = "viewer server";
}
