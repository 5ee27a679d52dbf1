using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LayerScope.Testing;

/// <summary>A minimal HTTP/1.1 server on 127.0.0.1 and a free port, for testing downloads without a network. It
/// answers GET requests for the paths given to <see cref="Serve"/> and 404 for the rest, and counts requests.</summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, (int Status, byte[] Body)> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Task _acceptLoop;
    private bool _disposed;
    private const int StallStatus = -1;

    public LoopbackHttpServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The address of <paramref name="path"/> ("/file.txt") on this server.</summary>
    public Uri Url(string path) => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}");

    /// <summary>Answers GET <paramref name="path"/> with <paramref name="body"/> and <paramref name="status"/>.</summary>
    public void Serve(string path, byte[] body, int status = 200) => _routes[path] = (status, body);

    /// <summary>Accepts requests for <paramref name="path"/> but never answers them (until disposed), to test
    /// timeouts.</summary>
    public void Stall(string path) => _routes[path] = (StallStatus, []);

    /// <summary>Requests received so far.</summary>
    public int RequestCount => _requests.Count;

    /// <summary>The paths requested so far, in order.</summary>
    public IReadOnlyList<string> RequestedPaths => [.. _requests];

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        _listener.Stop();
        try { _acceptLoop.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { /* the loop ends by cancellation */ }
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            _ = Task.Run(() => AnswerAsync(client));
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestHeadAsync(stream);
                var path = request.Split(' ') is [_, var target, ..] ? target : "";
                _requests.Enqueue(path);
                var (status, body) = _routes.TryGetValue(path, out var route) ? route : (404, "Not Found"u8.ToArray());
                if (status == StallStatus) await Task.Delay(Timeout.Infinite, _stop.Token);
                var reason = status switch { 200 => "OK", 404 => "Not Found", 500 => "Internal Server Error", _ => "Status" };
                var head = $"HTTP/1.1 {status} {reason}\r\nContent-Length: {body.Length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The client went away; nothing to answer.
            }
        }
    }

    private async Task<string> ReadRequestHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (head.Length < 16_384 && !(head.Length >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(buffer, _stop.Token) == 0) break;
            head.Append((char)buffer[0]);
        }
        return head.ToString();
    }
}
