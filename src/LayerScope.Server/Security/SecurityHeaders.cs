namespace LayerScope.Server.Security;

/// <summary>The headers every answer carries: no content sniffing (an array must never be taken for HTML), no
/// framing, no referrer; HTML pages also a Content-Security-Policy that runs scripts only from the server itself, so
/// a string from a manifest that slipped into markup still could not run.</summary>
internal static class SecurityHeaders
{
    /// <summary>The policy of HTML pages. Styles may be inline (deck.gl and Vite's CSS set element styles); workers
    /// and images may be blob: URLs the page makes itself.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        + "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>Adds the headers just before the answer starts, when its content type is known.</summary>
    public static void Add(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            return Task.CompletedTask;
        });
    }
}
