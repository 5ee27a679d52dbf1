using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using LayerScope.Server;

namespace LayerScope.Benchmarks;

/// <summary>
/// Many clients on one large run (<c>-- load [points] [clients] [seconds]</c>, default 1,000,000 points, 50 clients,
/// 30 s): writes the run of <see cref="ViewerFirstFrame"/>, serves it with <see cref="ViewerServer"/> on a free
/// loopback port (never another address), and lets every client send, for a bounded time, what a page sends:
/// neighbour queries (the heavy ones), point details, the run list and manifest, means of selections, searches and
/// now and then a whole embedding array. Prints the error rate (anything but 2xx), the count of 5xx answers (must be
/// 0) and of 503s (a busy server's polite refusal), p50/p99 latency per request kind, and the process's peak
/// resident memory (server and clients share the process; clients discard what they read).
/// </summary>
public static class ViewerLoad
{
    private static readonly (string Kind, int Weight)[] Mix =
    [
        ("neighbors", 40), ("point", 25), ("runs", 10), ("manifest", 8), ("mean", 8), ("search", 6), ("array", 3),
    ];

    public static int Run(string[] args)
    {
        int points = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        int clients = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
        int seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
        var folder = Path.Combine(Path.GetTempPath(), "layerscope-load-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var watch = Stopwatch.StartNew();
            ViewerFirstFrame.WriteRun(Path.Combine(folder, "run"), points);
            Console.WriteLine($"wrote a {points:N0}-point run in {watch.Elapsed.TotalSeconds:0.0} s");
            return Measure(folder, points, clients, TimeSpan.FromSeconds(seconds)).GetAwaiter().GetResult();
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { }
        }
    }

    private static async Task<int> Measure(string folder, int points, int clients, TimeSpan duration)
    {
        var warnings = new List<string>();
        await using var server = await ViewerServer.StartAsync(new ViewerServerOptions
        {
            Directory = folder, Host = "127.0.0.1", Port = 0, Warning = w => { lock (warnings) warnings.Add(w); },
        });
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(120) };
        var id = server.Catalog.Runs.Single().Id;

        // Loaded once before the clock starts, as a page's first frame would: the measurement is of serving, not of
        // the first read of a 32 MB file (reported separately).
        var warm = Stopwatch.StartNew();
        using (await http.GetAsync($"api/runs/{id}/neighbors?activations=hidden&point=0&k=10")) { }
        Console.WriteLine($"first neighbour query (loads the activations, builds the index): {warm.Elapsed.TotalMilliseconds:0} ms");

        var results = new List<(string Kind, int Status, double Milliseconds)>[clients];
        using var peak = new PeakMemory();
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(1000 + c);
            var mine = results[c] = [];
            var buffer = new byte[1 << 16];
            while (stop.Elapsed < duration)
            {
                var kind = Pick(random);
                using var request = Request(kind, id, points, random);
                var timer = Stopwatch.StartNew();
                int status;
                try
                {
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                    await using var body = await response.Content.ReadAsStreamAsync();
                    while (await body.ReadAsync(buffer) > 0) { }
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = 0; // no answer at all: counted as an error
                }
                mine.Add((kind, status, timer.Elapsed.TotalMilliseconds));
            }
        })));
        var elapsed = stop.Elapsed;

        var all = results.SelectMany(r => r).ToList();
        int failed = all.Count(r => r.Status is < 200 or >= 300);
        int serverErrors = all.Count(r => r.Status >= 500 && r.Status != 503);
        int busy = all.Count(r => r.Status == 503);
        int noAnswer = all.Count(r => r.Status == 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{clients} clients, {elapsed.TotalSeconds:0.0} s, {all.Count:N0} requests ({all.Count / elapsed.TotalSeconds:0} /s), {points:N0} points, {Environment.ProcessorCount} cores"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"error rate {100.0 * failed / Math.Max(1, all.Count):0.00} % ({failed} not 2xx: {serverErrors} 5xx other than 503, {busy} 503 busy, {noAnswer} without answer)"));
        Console.WriteLine("| request | count | p50 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var group in all.GroupBy(r => r.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Append(all.GroupBy(_ => "all").Single()))
        {
            var sorted = group.Select(r => r.Milliseconds).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key} | {sorted.Length:N0} | {Percentile(sorted, 0.50):0.0} | {Percentile(sorted, 0.99):0.0} | {sorted[^1]:0.0} |"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peak resident memory during the load {peak.PeakBytes / 1048576.0:0} MiB (sampled every 50 ms; server and clients share the process), "
            + $"kernel high-water mark {PeakMemory.KernelHighWaterMark() / 1048576.0:0} MiB (includes writing the run); run data cached {server.Catalog.Cache.Bytes / 1048576.0:0} MiB"));
        foreach (var warning in warnings.Take(5)) Console.WriteLine($"server warning: {warning}");
        return serverErrors == 0 && noAnswer == 0 ? 0 : 1;
    }

    private static string Pick(Random random)
    {
        int roll = random.Next(Mix.Sum(m => m.Weight));
        foreach (var (kind, weight) in Mix)
        {
            if (roll < weight) return kind;
            roll -= weight;
        }
        return Mix[0].Kind;
    }

    private static HttpRequestMessage Request(string kind, string id, int points, Random random)
    {
        int point = random.Next(points);
        switch (kind)
        {
            case "neighbors":
                return new HttpRequestMessage(HttpMethod.Get, $"api/runs/{id}/neighbors?activations=hidden&point={point}&k={1 + random.Next(50)}");
            case "point":
                return new HttpRequestMessage(HttpMethod.Get, $"api/runs/{id}/points/{point}");
            case "runs":
                return new HttpRequestMessage(HttpMethod.Get, "api/runs");
            case "manifest":
                return new HttpRequestMessage(HttpMethod.Get, $"api/runs/{id}");
            case "search":
                return new HttpRequestMessage(HttpMethod.Get, $"api/runs/{id}/search?q=class%20{random.Next(10)}&limit=100");
            case "array":
                return new HttpRequestMessage(HttpMethod.Get, $"api/runs/{id}/arrays/embedding-e{1 + random.Next(2)}");
            default:
                var selection = string.Join(',', Enumerable.Range(0, 200).Select(_ => random.Next(points)));
                return new HttpRequestMessage(HttpMethod.Post, $"api/runs/{id}/mean")
                {
                    Content = new StringContent($"{{\"activations\":\"hidden\",\"points\":[{selection}]}}", Encoding.UTF8, "application/json"),
                };
        }
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    /// <summary>Samples the process's resident memory every 50 ms; <see cref="KernelHighWaterMark"/> is Linux's peak of
    /// the whole process.</summary>
    private sealed class PeakMemory : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public PeakMemory()
        {
            _timer = new Timer(_ => Sample(), null, 0, 50);
        }

        public long PeakBytes
        {
            get
            {
                Sample();
                return Interlocked.Read(ref _peak);
            }
        }

        public void Dispose() => _timer.Dispose();

        private void Sample()
        {
            using var self = Process.GetCurrentProcess();
            long now = self.WorkingSet64;
            long seen;
            do seen = Interlocked.Read(ref _peak);
            while (now > seen && Interlocked.CompareExchange(ref _peak, now, seen) != seen);
        }

        public static long KernelHighWaterMark()
        {
            const string status = "/proc/self/status";
            if (!File.Exists(status)) return 0;
            var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
    }
}
