namespace LayerScope.Data;

/// <summary>Settings for <see cref="Downloader"/>.</summary>
public sealed record DownloaderOptions
{
    /// <summary>How long one file may take, from the request to the last byte. Fashion-MNIST's largest file is 26 MB,
    /// so the default leaves room for slow links.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The client to use (for proxies, custom handlers or tests); null makes one the downloader owns. The
    /// downloader never disposes a client it was given.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>Bytes between progress reports; the first and last report are always sent.</summary>
    public int ProgressInterval { get; init; } = 256 * 1024;
}
