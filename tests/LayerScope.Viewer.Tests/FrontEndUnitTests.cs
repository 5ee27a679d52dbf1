using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LayerScope.Viewer.Tests;

/// <summary>Runs the front end's unit tests (<c>npm run test:unit</c>: web/unit/*.test.ts under <c>node --test</c>)
/// as part of <c>dotnet test</c>, so CI runs them.</summary>
public sealed class FrontEndUnitTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [NodeFact]
    public async Task The_front_end_unit_tests_pass()
    {
        if (Browser.NodeMissing() is { } missing)
            throw new InvalidOperationException($"{missing} CI=true, so the front end's unit tests fail instead of being skipped.");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Browser.WebDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine("unit", "run.mjs"));

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        try { await process.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"npm run test:unit ran longer than {Timeout}. stdout: {await stdout} stderr: {await stderr}");
        }
        var output = $"{await stdout}\n{await stderr}";

        Assert.True(process.ExitCode == 0, $"npm run test:unit exited with {process.ExitCode}:\n{output}");
        // The TAP summary: some tests ran, none failed.
        var passed = Regex.Match(output, @"^# pass (\d+)$", RegexOptions.Multiline);
        Assert.True(passed.Success && int.Parse(passed.Groups[1].Value) > 0, $"no passing unit test reported:\n{output}");
        Assert.Matches(new Regex(@"^# fail 0$", RegexOptions.Multiline), output);
    }
}
