using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LayerScope.Errors;
using LayerScope.Testing;

namespace LayerScope.Server.Tests;

/// <summary>Requests a careless or hostile client sends, and runs that change under a running server: each gets the
/// status it earned with a JSON error that tells no more than it should.</summary>
[Collection(ViewerServerCollection.Name)]
public class ViewerHostileRequestTests(ViewerServerFixture fixture)
{
    [Fact]
    public async Task A_body_over_16_MB_is_413_not_500()
    {
        var url = fixture.Server.Url;
        // The declared length is enough: the server refuses before reading a byte of it.
        var (status, response) = await RawHttp.SendAsync(url, $"POST /api/runs/text/mean HTTP/1.1\r\nHost: {url.Host}:{url.Port}\r\n"
            + $"Content-Type: application/json\r\nContent-Length: {17 * 1024 * 1024}\r\nConnection: close\r\n\r\n{{\"activations\":");

        Assert.Equal(413, status);
        Assert.Contains("larger than 16777216 bytes", response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "/api/runs", "GET")]
    [InlineData("DELETE", "/api/runs/text", "GET")]
    [InlineData("PUT", "/api/runs/text/arrays/hidden", "GET")]
    [InlineData("GET", "/api/runs/text/mean", "POST")]
    public async Task A_known_path_asked_with_another_method_is_405_with_allow(string method, string path, string allowed)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
        if (method is "POST" or "PUT") request.Content = JsonContent.Create(new { });

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal([allowed], response.Content.Headers.Allow);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("not allowed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_whose_array_broke_after_listing_names_the_file_relative_to_the_runs_folder()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(Path.Combine(folder.Path, "good"), points: 20);
        ViewerFixtureRun.Write(Path.Combine(folder.Path, "broken"), points: 20);
        await using var server = await ViewerServer.StartAsync(new ViewerServerOptions { Directory = folder.Path, Port = 0 });
        using var client = new HttpClient { BaseAddress = server.Url };
        var scores = Path.Combine(folder.Path, "broken", "scores.npy");
        File.WriteAllBytes(scores, File.ReadAllBytes(scores)[..^8]); // header intact, data cut short

        using var response = await client.GetAsync("api/runs/broken/arrays/scores");
        var body = await response.Content.ReadAsStringAsync();
        using var good = await client.GetAsync("api/runs/good/arrays/scores");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;
        Assert.StartsWith("broken/scores.npy", error, StringComparison.Ordinal);
        Assert.DoesNotContain(folder.Path, body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task A_run_written_while_serving_appears_in_the_list()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(Path.Combine(folder.Path, "first"), points: 12);
        await using var server = await ViewerServer.StartAsync(new ViewerServerOptions
        {
            Directory = folder.Path, Port = 0, RunListMaxAge = TimeSpan.FromMilliseconds(200),
        });
        using var client = new HttpClient { BaseAddress = server.Url };
        Assert.Single((await client.GetFromJsonAsync<JsonElement>("api/runs")).EnumerateArray());

        ViewerFixtureRun.Write(Path.Combine(folder.Path, "second"), points: 12);
        var ids = new List<string>();
        for (var waited = 0; waited < 5000 && ids.Count < 2; waited += 100)
        {
            await Task.Delay(100);
            ids = (await client.GetFromJsonAsync<JsonElement>("api/runs")).EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
        }

        Assert.Equal(["first", "second"], ids);
    }

    [Fact]
    public async Task A_neighbour_query_that_cannot_start_in_time_is_503_with_retry_after()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(folder.Path, points: 30);
        await using var server = await ViewerServer.StartAsync(new ViewerServerOptions
        {
            Directory = folder.Path, Port = 0, NeighborQueueWait = TimeSpan.FromMilliseconds(100),
        });
        using var client = new HttpClient { BaseAddress = server.Url };
        var run = Assert.Single(server.Catalog.Runs);
        var index = run.NeighborIndex("hidden");

        await index.Owner.WaitAsync(); // a long query holds the index
        using var busy = await client.GetAsync($"api/runs/{run.Id}/neighbors?activations=hidden&point=1&k=3");
        index.Owner.Release();
        using var after = await client.GetAsync($"api/runs/{run.Id}/neighbors?activations=hidden&point=1&k=3");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), busy.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task An_unexpected_exception_reaches_the_client_without_its_message_or_stack_and_the_server_log_gets_both()
    {
        var warnings = new List<string>();
        var answers = new ErrorAnswers("/srv/runs", warnings.Add);
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        Exception thrown;
        try { throw new InvalidOperationException("false INTERNAL ASSERT FAILED at c10/core/Scalar.h\nframe #0: c10::Error::Error"); }
        catch (InvalidOperationException e) { thrown = e; }

        await answers.Write(context, thrown);

        var body = System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal("{\"error\":\"internal error; the server\\u0027s warnings have the details.\"}", body);
        Assert.Contains("INTERNAL ASSERT FAILED", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_under_the_runs_folder_become_relative_in_error_messages()
    {
        var answers = new ErrorAnswers(Path.Combine(Path.GetTempPath(), "runs"), warning: null);
        var file = Path.Combine(Path.GetTempPath(), "runs", "a", "x.npy");

        Assert.Equal(Path.Combine("a", "x.npy") + ": bad.", answers.Relative($"{file}: bad."));
    }

    [Fact]
    public async Task A_host_address_this_computer_lacks_is_a_clear_error()
    {
        using var folder = new TemporaryFolder();

        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): documentation only, never assigned to a machine.
        var error = await Assert.ThrowsAsync<LayerScopeException>(() => ViewerServer.StartAsync(new ViewerServerOptions
        {
            Directory = folder.Path, Host = "192.0.2.1", Port = 0, AllowNonLoopback = true,
        }));

        Assert.Contains("cannot listen on 192.0.2.1", error.Message, StringComparison.Ordinal);
        Assert.Contains("not an address of this computer", error.Message, StringComparison.Ordinal);
    }
}
