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
}
