namespace LayerScope.Server;

/// <summary>Where <see cref="ViewerServer"/> finds runs and where it listens.</summary>
public sealed record ViewerServerOptions
{
    /// <summary>The port <c>layerscope serve</c> listens on when none is given.</summary>
    public const int DefaultPort = 8765;

    /// <summary>The folder searched for runs (run.json in it and in sub-folders down to three levels).</summary>
    public required string Directory { get; init; }

    /// <summary>The address to listen on: an IP address, or "localhost". Loopback unless
    /// <see cref="AllowNonLoopback"/>.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free one (read the bound address from <see cref="ViewerServer.Url"/>).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Allows a <see cref="Host"/> other computers can reach. The server has no authentication: anyone who
    /// can reach the port can read every run under <see cref="Directory"/>.</summary>
    public bool AllowNonLoopback { get; init; }

    /// <summary>The default of <see cref="CacheBytes"/>: 1 GiB.</summary>
    public const long DefaultCacheBytes = 1L << 30;

    /// <summary>The most bytes of run data (arrays as float32, strings, neighbour indexes) kept in memory across all
    /// runs; what was used longest ago is dropped first and read again from its file when asked for.</summary>
    public long CacheBytes { get; init; } = DefaultCacheBytes;

    /// <summary>How old the run list may be before <c>GET /api/runs</c> searches the folder again. A run written
    /// since appears at most this late.</summary>
    public TimeSpan RunListMaxAge { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The most neighbour queries computed at once (default: one per core). Each is a pass over every point
    /// of a layer; more in parallel only adds memory. A query that waits longer than <see cref="NeighborQueueWait"/>
    /// is answered 503 with Retry-After.</summary>
    public int MaxConcurrentNeighborQueries { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>How long a neighbour query waits for its turn before the server answers that it is busy.</summary>
    public TimeSpan NeighborQueueWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the server reports what the user should know but no request shows: runs skipped and why,
    /// internal errors with their details (answers carry neither absolute paths nor stack traces). Null: nowhere.</summary>
    public Action<string>? Warning { get; init; }

    /// <summary>Every problem with these settings, naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Port is < 0 or > 65535)
            problems.Add($"ViewerServerOptions.Port: {Port} is out of range; use 1 to 65535, or 0 for any free port.");
        if (CacheBytes < 0) problems.Add("ViewerServerOptions.CacheBytes must not be negative.");
        if (RunListMaxAge < TimeSpan.Zero) problems.Add($"ViewerServerOptions.RunListMaxAge: {RunListMaxAge} is negative.");
        if (MaxConcurrentNeighborQueries < 1)
            problems.Add($"ViewerServerOptions.MaxConcurrentNeighborQueries: {MaxConcurrentNeighborQueries}; use 1 or more.");
        if (NeighborQueueWait < TimeSpan.Zero) problems.Add($"ViewerServerOptions.NeighborQueueWait: {NeighborQueueWait} is negative.");
        return problems;
    }
}
