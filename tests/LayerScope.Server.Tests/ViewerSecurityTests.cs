using LayerScope.Errors;
using LayerScope.Testing;

namespace LayerScope.Server.Tests;

[Collection(ViewerServerCollection.Name)]
public class ViewerSecurityTests(ViewerServerFixture fixture)
{
    [Theory]
    [InlineData("/../")]
    [InlineData("/../../../../etc/passwd")]
    [InlineData("/%2e%2e/")]
    [InlineData("/%2E%2E/%2e%2e/etc/passwd")]
    [InlineData("/.%2e/run.json")]
    [InlineData("/%252e%252e/etc/passwd")]
    [InlineData("/api/runs/x/arrays/..%2f..%2fetc%2fpasswd")]
    [InlineData("/api/runs/text/arrays/..%2f..%2ftext%2frun.json")]
    [InlineData("/api/runs/text/files/..%5c..%5cetc%5cpasswd")]
    [InlineData("/api/runs/text/arrays/..\\..\\etc\\passwd")]
    [InlineData("/assets/..\\..\\run.json")]
    [InlineData("/assets/../text/run.json")]
    public async Task Paths_that_climb_are_refused_and_never_answer_with_file_contents(string target)
    {
        var (status, response) = await RawHttp.GetAsync(fixture.Server.Url, target);

        Assert.True(status is 400 or 404, $"{target}: status {status}");
        Assert.Equal(400, status);
        Assert.DoesNotContain("root:", response, StringComparison.Ordinal);
        Assert.DoesNotContain("layerscope-run", response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.168.1.10")]
    public async Task A_non_loopback_host_is_refused_unless_allowed(string host)
    {
        using var folder = new TemporaryFolder();

        var error = await Assert.ThrowsAsync<LayerScopeException>(() =>
            ViewerServer.StartAsync(new ViewerServerOptions { Directory = folder.Path, Host = host, Port = 0 }));

        Assert.Contains($"refusing to listen on {host}", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a loopback address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_folder_is_a_clear_error()
    {
        using var folder = new TemporaryFolder();

        var error = await Assert.ThrowsAsync<LayerScopeException>(() =>
            ViewerServer.StartAsync(new ViewerServerOptions { Directory = folder.File("missing"), Port = 0 }));

        Assert.Contains("no such folder", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.1.2.3", true)]
    [InlineData("::1", true)]
    [InlineData("[::1]", true)]
    [InlineData("localhost", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("example.org", false)]
    public void Loopback_hosts_are_recognised(string host, bool loopback)
    {
        Assert.Equal(loopback, ViewerServer.IsLoopback(host));
    }
}
