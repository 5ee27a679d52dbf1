namespace LayerScope.Server;

/// <summary>A request the server answers with an error status and <c>{ "error": message }</c>: 400 for a malformed
/// request, 404 for an unknown run, array or point.</summary>
internal sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static ApiException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    public static ApiException NotFound(string message) => new(StatusCodes.Status404NotFound, message);
}
