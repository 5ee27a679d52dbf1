namespace LayerScope.Data;

/// <summary>The data directory and the setting that chose it, so messages about missing files can say where LayerScope
/// looked and why there.</summary>
/// <param name="Path">The full path of the folder (it may not exist yet).</param>
/// <param name="Source">The setting that chose it.</param>
public sealed record DataDirectoryChoice(string Path, DataDirectorySource Source)
{
    /// <summary>Why this folder: "given with --data", "set by the LAYERSCOPE_DATA environment variable", or the
    /// per-user cache folder with a hint at the two settings.</summary>
    public string Reason => Source switch
    {
        DataDirectorySource.CommandLine => "given as the DataDirectory setting",
        DataDirectorySource.EnvironmentVariable => $"set by the {DataDirectory.EnvironmentVariable} environment variable",
        _ => $"the per-user cache folder, used because neither the DataDirectory setting nor {DataDirectory.EnvironmentVariable} is set",
    };

    /// <summary>"PATH (REASON)", for messages.</summary>
    public string Describe() => $"{Path} ({Reason})";

    /// <summary>The path of <paramref name="relativePath"/> inside this folder.</summary>
    public string Combine(string relativePath) => System.IO.Path.Combine(Path, relativePath);
}
