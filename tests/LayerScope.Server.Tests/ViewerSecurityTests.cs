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
    [InlineData("evil.example")]
    [InlineData("evil.example:8765")]
    [InlineData("127.0.0.1.evil.example")]
    public async Task A_host_header_naming_another_site_is_refused_so_dns_rebinding_reads_nothing(string host)
    {
        var url = fixture.Server.Url;
        var (status, response) = await RawHttp.SendAsync(url, $"GET /api/runs HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");

        Assert.Equal(421, status);
        Assert.DoesNotContain("layerscope-run", response, StringComparison.Ordinal);
        Assert.DoesNotContain("Text run", response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    public async Task Loopback_host_names_are_answered(string host)
    {
        var url = fixture.Server.Url;
        var (status, _) = await RawHttp.SendAsync(url, $"GET /api/runs HTTP/1.1\r\nHost: {host}:{url.Port}\r\nConnection: close\r\n\r\n");

        Assert.Equal(200, status);
    }

    [Fact]
    public async Task A_cross_site_simple_post_is_refused()
    {
        // A form on another site can post text/plain without a preflight; the API takes JSON only.
        var url = fixture.Server.Url;
        const string body = "{\"array\":\"x\",\"points\":[0]}";
        var (status, _) = await RawHttp.SendAsync(url, $"POST /api/runs/text/mean HTTP/1.1\r\nHost: {url.Host}:{url.Port}\r\n"
            + $"Content-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");

        Assert.Equal(415, status);
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
