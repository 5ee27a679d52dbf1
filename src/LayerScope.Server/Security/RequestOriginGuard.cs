namespace LayerScope.Server.Security;

/// <summary>
/// Refuses requests a web page on another site could make through the user's browser. DNS rebinding: a page on
/// evil.example re-points its own name at 127.0.0.1 and then reads the viewer's API as "same origin"; the browser still
/// sends <c>Host: evil.example</c>, so only loopback names and the host the server was told to listen on are accepted
/// (421 otherwise). Cross-site "simple" POSTs: a form can post <c>text/plain</c> without a preflight, so a POST must
/// declare <c>application/json</c>, which a cross-site page cannot send without CORS permission (415 otherwise).
/// </summary>
internal sealed class RequestOriginGuard(string listenHost)
{
    private readonly string _listenHost = listenHost.Trim().Trim('[', ']');

    /// <summary>The status and reason to refuse <paramref name="context"/> with, or null when it is acceptable.</summary>
    public (int Status, string Reason)? Problem(HttpContext context)
    {
        var host = context.Request.Host;
        if (!host.HasValue)
            return (StatusCodes.Status400BadRequest, "the request has no Host header.");
        var name = host.Host.Trim('[', ']');
        if (!ViewerServer.IsLoopback(name) && !string.Equals(name, _listenHost, StringComparison.OrdinalIgnoreCase))
            return (StatusCodes.Status421MisdirectedRequest,
                $"this server answers requests for loopback names and {_listenHost} only; the request named '{host.Host}'.");
        if (HttpMethods.IsPost(context.Request.Method)
            && context.Request.ContentType?.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase) != true)
            return (StatusCodes.Status415UnsupportedMediaType, "POST bodies must be application/json.");
        return null;
    }
}
