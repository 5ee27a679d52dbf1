using System.Diagnostics;
using System.Text.Json;

namespace LayerScope.Viewer.Tests;

/// <summary>Runs one browser scenario, <c>node web/tests/NAME.mjs URL OUTDIR [ARGS]</c>, and returns the JSON object
/// it prints.</summary>
public static class BrowserScenario
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    // One browser at a time: the machines that run these tests have few cores, and SwiftShader renders on the CPU.
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static async Task<JsonElement> RunAsync(string name, Uri url, string outputFolder, params string[] arguments)
    {
        Browser.Require();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Browser.WebDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine("tests", name + ".mjs"));
        start.ArgumentList.Add(url.ToString());
        start.ArgumentList.Add(outputFolder);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["LAYERSCOPE_CHROMIUM"] = Browser.Chromium;

        await OneAtATime.WaitAsync();
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(Timeout);
            try { await process.WaitForExitAsync(cancel.Token); }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Scenario {name} ran longer than {Timeout}. stderr: {await stderr}");
            }
            var output = (await stdout).Trim();
            var lastLine = output.Split('\n').LastOrDefault(line => line.TrimStart().StartsWith('{')) is null ? output : output[output.IndexOf('{')..];
            JsonElement result;
            try { result = JsonDocument.Parse(lastLine).RootElement.Clone(); }
            catch (JsonException)
            {
                throw new InvalidOperationException($"Scenario {name} printed no JSON (exit {process.ExitCode}). stdout: {output} stderr: {await stderr}");
            }
            if (process.ExitCode != 0 || result.TryGetProperty("error", out _))
                throw new InvalidOperationException($"Scenario {name} failed (exit {process.ExitCode}): {output} stderr: {await stderr}");
            return result;
        }
        finally
        {
            OneAtATime.Release();
        }
    }
}
