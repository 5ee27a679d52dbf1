using System.Text.Json;
using LayerScope.Errors;
using LayerScope.Runs;

namespace LayerScope.Server;

/// <summary>
/// Every error answer, as <c>{ "error": message }</c>: the status a request earned (400, 404, 405, 413, 503), and 500
/// for a run whose files broke after it was listed. Messages name files relative to the runs folder, because where
/// the server keeps its runs is none of a page's business; an unexpected exception (a bug, or libtorch's assertion
/// with its native stack trace) reaches the client as "internal error" only, its details going to the server's
/// warning callback.
/// </summary>
internal sealed class ErrorAnswers(string runsFolder, Action<string>? warning)
{
    private readonly string _root = Path.TrimEndingDirectorySeparator(runsFolder);

    /// <summary>Answers <paramref name="status"/> with <paramref name="message"/>, its paths made relative.</summary>
    public Task Write(HttpContext context, int status, string message)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { error = Relative(message) }, RunJson.Compact));
    }

    /// <summary>Answers the exception a request's handler threw.</summary>
    public Task Write(HttpContext context, Exception error)
    {
        switch (error)
        {
            case ApiException api:
                return Write(context, api.Status, api.Message);
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return Write(context, StatusCodes.Status413PayloadTooLarge, $"the request body is larger than {ViewerServer.MaxRequestBodyBytes} bytes.");
            case BadHttpRequestException bad:
                return Write(context, bad.StatusCode, $"malformed request: {bad.Message}");
            case LayerScopeException known:
                // A run whose files changed or broke after it was listed: the message names the file and field.
                return Write(context, StatusCodes.Status500InternalServerError, known.Message);
            default:
                warning?.Invoke($"internal error answering {context.Request.Method} {context.Request.Path}: {error}");
                return Write(context, StatusCodes.Status500InternalServerError, "internal error; the server's warnings have the details.");
        }
    }

    /// <summary>After the endpoints: a path nothing serves gets a JSON 404, a known path asked with another method a
    /// JSON 405 (routing has set the status and the Allow header, with an empty body).</summary>
    public Task WriteUnanswered(HttpContext context)
    {
        var response = context.Response;
        if (response.HasStarted) return Task.CompletedTask;
        if (response.StatusCode == StatusCodes.Status405MethodNotAllowed)
            return WriteKeepingHeaders(context, $"{context.Request.Method} is not allowed at {context.Request.Path}; use {response.Headers.Allow}.");
        if (response.StatusCode == StatusCodes.Status404NotFound && context.GetEndpoint() is null)
            return WriteKeepingHeaders(context, $"nothing at {context.Request.Path}.");
        return Task.CompletedTask;
    }

    private Task WriteKeepingHeaders(HttpContext context, string message)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { error = Relative(message) }, RunJson.Compact));
    }

    /// <summary><paramref name="message"/> with the runs folder's absolute path taken out of every file name.</summary>
    internal string Relative(string message) =>
        Path.GetPathRoot(_root) == _root
            ? message // serving a whole drive: every path is as relative as it gets
            : message.Replace(_root + Path.DirectorySeparatorChar, "", StringComparison.Ordinal).Replace(_root, ".", StringComparison.Ordinal);
}
