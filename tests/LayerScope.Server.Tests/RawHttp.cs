using System.Net.Sockets;
using System.Text;

namespace LayerScope.Server.Tests;

/// <summary>Sends a request line exactly as written. HttpClient normalises "/../" away before sending, so traversal
/// attempts need a raw socket.</summary>
internal static class RawHttp
{
    public static Task<(int Status, string Response)> GetAsync(Uri server, string target) =>
        SendAsync(server, $"GET {target} HTTP/1.1\r\nHost: {server.Host}:{server.Port}\r\nConnection: close\r\n\r\n");

    /// <summary>Sends <paramref name="request"/> (a whole HTTP/1.1 request, headers as written) and reads the answer.</summary>
    public static async Task<(int Status, string Response)> SendAsync(Uri server, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var statusLine = response.Split("\r\n")[0];
        return (int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), response);
    }
}
