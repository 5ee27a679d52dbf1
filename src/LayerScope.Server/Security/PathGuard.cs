using Microsoft.AspNetCore.Http.Features;

namespace LayerScope.Server.Security;

/// <summary>
/// Refuses, with 400, every request whose path tries to climb: a '..' segment (also percent-encoded, also encoded
/// twice), an encoded '/' or '\', or a backslash. The server never maps a URL onto a file, so these requests could
/// not reach a file anyway; refusing them early keeps it that way even if a later change forgets. The raw request
/// target is checked because Kestrel has already removed dot segments from the decoded path.
/// </summary>
internal static class PathGuard
{
    /// <summary>Why <paramref name="context"/>'s path is refused, or null when it is acceptable.</summary>
    public static string? Problem(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? raw[..query] : raw;
        if (path.Contains('\\', StringComparison.Ordinal)) return "backslashes are not allowed in paths.";
        var lower = path.ToLowerInvariant();
        if (lower.Contains("%2f", StringComparison.Ordinal) || lower.Contains("%5c", StringComparison.Ordinal))
            return "encoded path separators are not allowed in paths.";
        var decoded = path;
        for (int i = 0; i < 3; i++)
        {
            if (decoded.Contains("..", StringComparison.Ordinal) || decoded.Contains('\\', StringComparison.Ordinal))
                return "'..' is not allowed in paths.";
            var next = Uri.UnescapeDataString(decoded);
            if (next == decoded) break;
            decoded = next;
        }
        if (decoded.Contains("..", StringComparison.Ordinal) || decoded.Contains('\\', StringComparison.Ordinal))
            return "'..' is not allowed in paths.";
        return null;
    }
}
