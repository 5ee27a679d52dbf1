using LayerScope.Errors;

namespace LayerScope.Data;

/// <summary>
/// Finds the folder that holds the data sets: the <c>--data DIR</c> value when given, else the
/// <c>LAYERSCOPE_DATA</c> environment variable, else a per-user cache folder (<c>$XDG_CACHE_HOME/layerscope/data</c>,
/// else <c>~/.cache/layerscope/data</c>; on Windows <c>%LOCALAPPDATA%\LayerScope\data</c>). Each data set lives in
/// a subfolder named after it (banknote/, japanese-vowels/, fashion-mnist/, tinyshakespeare/, imdb/).
/// </summary>
public static class DataDirectory
{
    /// <summary>The environment variable naming the data directory.</summary>
    public const string EnvironmentVariable = "LAYERSCOPE_DATA";

    /// <summary>The full path of the data directory.</summary>
    /// <param name="explicitPath">The <c>--data</c> value, or null when not given.</param>
    public static string Resolve(string? explicitPath) => Choose(explicitPath).Path;

    /// <summary>The data directory and the setting that chose it.</summary>
    /// <param name="explicitPath">The <c>--data</c> value, or null when not given.</param>
    public static DataDirectoryChoice Choose(string? explicitPath) => Choose(explicitPath, Environment.GetEnvironmentVariable);

    /// <summary>"PATH (REASON)": the data directory and why it was chosen, for messages.</summary>
    public static string Describe(string? explicitPath) => Choose(explicitPath).Describe();

    /// <summary><see cref="Choose(string?)"/> with the environment supplied, so tests need not change the process's.</summary>
    internal static DataDirectoryChoice Choose(string? explicitPath, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
            return new DataDirectoryChoice(Path.GetFullPath(explicitPath), DataDirectorySource.CommandLine);
        var fromEnvironment = environment(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return new DataDirectoryChoice(Path.GetFullPath(fromEnvironment), DataDirectorySource.EnvironmentVariable);
        return new DataDirectoryChoice(UserCacheFolder(environment), DataDirectorySource.UserCache);
    }

    private static string UserCacheFolder(Func<string, string?> environment)
    {
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "LayerScope", "data");

        // The XDG base-directory spec says to ignore relative values.
        var xdgCache = environment("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdgCache) && Path.IsPathRooted(xdgCache))
            return Path.Combine(xdgCache, "layerscope", "data");

        var home = environment("HOME");
        if (string.IsNullOrWhiteSpace(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrWhiteSpace(home))
            throw new LayerScopeException(
                $"No data directory: HOME is not set, so there is no per-user cache folder. Choose a folder (DataDirectory setting) or set {EnvironmentVariable}.");
        return Path.Combine(home, ".cache", "layerscope", "data");
    }
}
