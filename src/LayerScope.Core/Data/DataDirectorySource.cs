namespace LayerScope.Data;

/// <summary>Which setting chose the data directory, from strongest to weakest.</summary>
public enum DataDirectorySource
{
    /// <summary>The <c>--data DIR</c> option.</summary>
    CommandLine,

    /// <summary>The <c>LAYERSCOPE_DATA</c> environment variable.</summary>
    EnvironmentVariable,

    /// <summary>The per-user cache folder, used when neither setting is given.</summary>
    UserCache,
}
