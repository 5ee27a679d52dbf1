using System.Net;
using System.Net.Sockets;
using LayerScope.Errors;
using LayerScope.Runs;
using LayerScope.Server.Endpoints;
using LayerScope.Server.Security;
using LayerScope.Server.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LayerScope.Server;

/// <summary>
/// The viewer behind <c>layerscope serve</c>: Kestrel with the API of docs/viewer.md over the runs under a folder,
/// and the front end from resources embedded in this assembly. It listens on loopback unless told otherwise, never
/// maps a URL onto a file path, and leaves Ctrl+C to its host (the command line stops it).
/// </summary>
public sealed class ViewerServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly NeighborQueries _neighbors;

    private ViewerServer(WebApplication app, RunCatalog catalog, Uri url, NeighborQueries neighbors)
    {
        _app = app;
        _neighbors = neighbors;
        Catalog = catalog;
        Url = url;
    }

    /// <summary>The address the server listens on, with the bound port (e.g. http://127.0.0.1:8765/).</summary>
    public Uri Url { get; }

    /// <summary>The runs served.</summary>
    public RunCatalog Catalog { get; }

    /// <summary>Finds the runs under <see cref="ViewerServerOptions.Directory"/> and starts listening.</summary>
    /// <returns>The running server; dispose it to stop.</returns>
    /// <exception cref="LayerScopeException">The folder does not exist, a setting is out of range
    /// (<see cref="ViewerServerOptions.Validate"/>), the host is not a loopback address and
    /// <see cref="ViewerServerOptions.AllowNonLoopback"/> is false, or the address is not this computer's or taken.</exception>
    public static async Task<ViewerServer> StartAsync(ViewerServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        InvalidSettingsException.ThrowIfAny(options.Validate());
        var addresses = ListenAddresses(options);
        var catalog = new RunCatalog(options.Directory, new RunDataCache(options.CacheBytes), options.RunListMaxAge, options.Warning);
        var errors = new ErrorAnswers(catalog.Directory, options.Warning);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ViewerServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        // The host must not take Ctrl+C from the process: the command line owns it and stops the server itself.
        builder.Services.AddSingleton<IHostLifetime, HostOwnedLifetime>();
        builder.Services.ConfigureHttpJsonOptions(json => RunJson.Configure(json.SerializerOptions));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            foreach (var address in addresses) kestrel.Listen(address, options.Port);
        });

        var app = builder.Build();
        var assets = new EmbeddedWebAssets(typeof(ViewerServer).Assembly);
        var origin = new RequestOriginGuard(options.Host);
        app.Use(async (context, next) =>
        {
            SecurityHeaders.Add(context);
            if (origin.Problem(context) is { } refused)
            {
                await errors.Write(context, refused.Status, refused.Reason);
                return;
            }
            if (PathGuard.Problem(context) is { } problem)
            {
                await errors.Write(context, StatusCodes.Status400BadRequest, problem);
                return;
            }
            try
            {
                await next(context);
            }
            catch (Exception e) when (!context.Response.HasStarted && !(e is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
            {
                await errors.Write(context, e);
                return;
            }
            await errors.WriteUnanswered(context);
        });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = assets });

#pragma warning disable CA2000 // the server disposes it, and a failed start below
        var neighbors = new NeighborQueries(options.MaxConcurrentNeighborQueries, options.NeighborQueueWait);
#pragma warning restore CA2000
        RunEndpoints.Map(app, catalog);
        ArrayEndpoints.Map(app, catalog, neighbors);
        PointEndpoints.Map(app, catalog);
        DynamicsEndpoints.Map(app, catalog);
        UnitsEndpoints.Map(app, catalog);
        app.MapGet("/", () => assets.HasIndex
            ? Results.Stream(assets.GetFileInfo("index.html").CreateReadStream(), "text/html; charset=utf-8")
            : Results.Content(FallbackIndexPage.Html, "text/html; charset=utf-8"));

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            await app.DisposeAsync();
            neighbors.Dispose();
            var reason = (e.InnerException as SocketException ?? e as SocketException)?.SocketErrorCode == SocketError.AddressNotAvailable
                ? $"{options.Host} is not an address of this computer (ViewerServerOptions.Host)"
                : e.InnerException?.Message ?? e.Message;
            throw new LayerScopeException($"cannot listen on {options.Host}:{options.Port}: {reason}.", e);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ViewerServer(app, catalog, new Uri(bound.EndsWith('/') ? bound : bound + "/"), neighbors);
    }

    /// <summary>The largest request body accepted (413 past it). Bodies are point lists of a selection.</summary>
    public const long MaxRequestBodyBytes = 16 * 1024 * 1024;

    /// <summary>True for "localhost" and loopback IP addresses (127.0.0.0/8, ::1).</summary>
    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>Stops listening; requests in flight get a moment to finish.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <summary>Stops the server and releases the port.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try { await _app.StopAsync(stop.Token); }
            catch (OperationCanceledException) { /* stopping was cut short; disposing closes the sockets anyway */ }
        }
        await _app.DisposeAsync();
        _neighbors.Dispose();
    }

    private static IPAddress[] ListenAddresses(ViewerServerOptions options)
    {
        var host = options.Host.Trim();
        if (!IsLoopback(host) && !options.AllowNonLoopback)
            throw new LayerScopeException(
                $"refusing to listen on {host}: it is not a loopback address, so other computers could read every run under "
                + $"{options.Directory} (the viewer has no login). Use 127.0.0.1, or allow non-loopback addresses explicitly "
                + "(layerscope serve --host does, with a warning).");
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return [IPAddress.Loopback];
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address)) return [address];
        try
        {
            var resolved = Dns.GetHostAddresses(host);
            return resolved.Length > 0 ? resolved : throw new LayerScopeException($"the host name {host} has no addresses.");
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new LayerScopeException($"cannot resolve the host {host}: {e.Message}", e);
        }
    }

    /// <summary>A host lifetime that does nothing: whoever started the server decides when it stops.</summary>
    private sealed class HostOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
