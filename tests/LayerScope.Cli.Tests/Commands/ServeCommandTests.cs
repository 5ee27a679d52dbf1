using LayerScope.Cli.Commands;
using LayerScope.Cli.Terminal;
using LayerScope.Server;
using LayerScope.Testing;

namespace LayerScope.Cli.Tests.Commands;

public class ServeCommandTests
{
    [Fact]
    public async Task Serve_prints_the_address_answers_and_stops_with_exit_0_when_cancelled()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(Path.Combine(folder.Path, "run"), points: 12);
        var output = new StringWriter();
        var error = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? runs = null;

        var code = await ServeCommand.RunAsync(new ViewerServerOptions { Directory = folder.Path, Port = 0 }, CliTerminal.Recording(output, error), stop.Token,
            started: server =>
            {
                using var client = new HttpClient();
                runs = client.GetStringAsync(new Uri(server.Url, "api/runs")).GetAwaiter().GetResult();
                stop.Cancel();
            });

        Assert.Equal(0, code);
        Assert.Contains("\"id\":\"run\"", runs, StringComparison.Ordinal);
        Assert.Contains("LayerScope viewer: http://127.0.0.1:", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void A_missing_folder_is_a_user_error()
    {
        using var folder = new TemporaryFolder();

        var run = CliRun.Of("serve", folder.File("missing"), "--port", "0");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no such folder", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_loopback_host_is_warned_about()
    {
        using var folder = new TemporaryFolder();

        // A folder that does not exist stops the command right after the warning.
        var run = CliRun.Of("serve", folder.File("missing"), "--host", "0.0.0.0", "--port", "0");

        Assert.Contains("warning: listening on 0.0.0.0", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_that_cannot_be_read_is_warned_about_once_and_the_others_are_served()
    {
        using var folder = new TemporaryFolder();
        ViewerFixtureRun.Write(Path.Combine(folder.Path, "run"), points: 12);
        Directory.CreateDirectory(Path.Combine(folder.Path, "bad"));
        File.WriteAllText(Path.Combine(folder.Path, "bad", "run.json"), "{}");
        var output = new StringWriter();
        var error = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var code = await ServeCommand.RunAsync(new ViewerServerOptions { Directory = folder.Path, Port = 0, RunListMaxAge = TimeSpan.Zero },
            CliTerminal.Recording(output, error), stop.Token, started: server =>
            {
                using var client = new HttpClient();
                client.GetStringAsync(new Uri(server.Url, "api/runs")).GetAwaiter().GetResult();
                stop.Cancel();
            });

        Assert.Equal(0, code);
        var warning = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("warning: skipped a run: ", warning, StringComparison.Ordinal);
        Assert.Contains("1 run(s) under", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--host", "192.0.2.1", "192.0.2.1 is not an address of this computer (--host)")]
    [InlineData("--cache-mb", "-1", "--cache-mb must not be negative")]
    public void A_setting_the_server_cannot_use_is_a_user_error_naming_the_flag(string flag, string value, string message)
    {
        using var folder = new TemporaryFolder();

        var run = CliRun.Of("serve", folder.Path, flag, value, "--port", "0");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", run.Error, StringComparison.OrdinalIgnoreCase);
    }
}
