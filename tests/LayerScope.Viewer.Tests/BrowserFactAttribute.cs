using LayerScope.Testing;

namespace LayerScope.Viewer.Tests;

/// <summary>A test that drives the viewer in headless Chromium. Skipped, with the reason printed, when Chromium or
/// Node.js is missing, except in CI (<c>CI=true</c>), where it runs and fails with a message saying how to install
/// it.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        var reason = Browser.SkipReason();
        if (reason is not null) Skip = reason;
    }
}

/// <summary>A <see cref="TheoryAttribute"/> that needs the browser; skipped like <see cref="BrowserFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute()
    {
        var reason = Browser.SkipReason();
        if (reason is not null) Skip = reason;
    }
}

/// <summary>A test that runs Node.js on the front end's sources (no browser). Skipped, with the reason, when Node.js or
/// the front end's npm packages are missing, except in CI (<c>CI=true</c>), where it runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (!TestData.InCi && Browser.NodeMissing() is { } reason) Skip = reason;
    }
}

/// <summary>Where the browser tests find Chromium, Node.js and the scenarios.</summary>
public static class Browser
{
    /// <summary>Chromium: <c>LAYERSCOPE_CHROMIUM</c>, else Debian's /usr/bin/chromium.</summary>
    public static string Chromium => Environment.GetEnvironmentVariable("LAYERSCOPE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>The front end's folder, holding tests/*.mjs and node_modules/playwright-core.</summary>
    public static string WebDirectory => Path.Combine(TestData.RepositoryRoot, "src", "LayerScope.Server", "web");

    /// <summary>What is missing for the browser tests, or null when nothing is.</summary>
    public static string? Missing()
    {
        if (!File.Exists(Chromium))
            return $"Chromium not found at {Chromium}: install it (Debian: `apt-get install -y chromium`) or set LAYERSCOPE_CHROMIUM.";
        if (NodeMissing() is { } node) return node;
        if (!Directory.Exists(Path.Combine(WebDirectory, "node_modules", "playwright-core")))
            return $"playwright-core is not installed in {WebDirectory}: build LayerScope.Server (its build runs npm ci).";
        return null;
    }

    /// <summary>What is missing for the front end's unit tests (Node.js, and TypeScript from npm ci), or null.</summary>
    public static string? NodeMissing()
    {
        if (FindOnPath("node") is null)
            return "Node.js not found on PATH: install Node.js 20 or later.";
        if (!Directory.Exists(Path.Combine(WebDirectory, "node_modules", "typescript")))
            return $"typescript is not installed in {WebDirectory}: build LayerScope.Server (its build runs npm ci).";
        return null;
    }

    /// <summary>Why browser tests must be skipped, or null when they can run or when running in CI (where they
    /// must run and fail instead).</summary>
    public static string? SkipReason() => TestData.InCi ? null : Missing();

    /// <summary>Fails with the reason when something is missing (reached only in CI).</summary>
    public static void Require()
    {
        var missing = Missing();
        if (missing is not null)
            throw new InvalidOperationException($"{missing} CI=true, so the browser tests fail instead of being skipped (.ci/run installs Chromium with `apt-get install -y chromium`).");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(path => File.Exists(path) || File.Exists(path + ".exe"));
}
