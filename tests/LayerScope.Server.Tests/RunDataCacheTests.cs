using LayerScope.Testing;

namespace LayerScope.Server.Tests;

public class RunDataCacheTests
{
    [Fact]
    public void Past_its_capacity_the_cache_drops_what_was_used_longest_ago()
    {
        var cache = new RunDataCache(capacityBytes: 300);
        var loads = new List<string>();
        string Get(string key) => cache.GetOrAdd(key, () => { loads.Add(key); return (key.ToUpperInvariant(), 100L); });

        Get("a");
        Get("b");
        Get("c");
        Get("a"); // a is now the most recent, b the oldest
        Get("d");

        Assert.Equal(300, cache.Bytes);
        Assert.Equal(3, cache.Count);
        Assert.Equal("B", Get("b")); // loaded again: it was dropped
        Assert.Equal(["a", "b", "c", "d", "b"], loads);
        Assert.Equal("A", Get("a"));
        Assert.Equal(5, loads.Count); // a was kept: it had been used after b
    }

    [Fact]
    public void An_entry_larger_than_the_capacity_is_served_and_kept_alone()
    {
        var cache = new RunDataCache(capacityBytes: 100);
        cache.GetOrAdd("small", () => ("s", 60L));

        var big = cache.GetOrAdd("big", () => ("b", 1000L));

        Assert.Equal("b", big);
        Assert.Equal(1, cache.Count);
        Assert.Equal(1000, cache.Bytes);
    }

    [Fact]
    public void A_load_that_fails_is_not_kept_so_the_next_request_tries_again()
    {
        var cache = new RunDataCache(capacityBytes: 100);

        Assert.Throws<IOException>(() => cache.GetOrAdd<string>("x", () => throw new IOException("busy")));
        var second = cache.GetOrAdd("x", () => ("fine", 10L));

        Assert.Equal("fine", second);
        Assert.Equal(10, cache.Bytes);
    }

    [Fact]
    public async Task Concurrent_requests_for_one_entry_share_one_load()
    {
        var cache = new RunDataCache(capacityBytes: 1000);
        int loads = 0;
        using var gate = new ManualResetEventSlim();

        var requests = Enumerable.Range(0, 8).Select(_ => Task.Run(() => cache.GetOrAdd("x", () =>
        {
            Interlocked.Increment(ref loads);
            gate.Wait();
            return ("x", 10L);
        }))).ToList();
        await Task.Delay(100);
        gate.Set();
        await Task.WhenAll(requests);

        Assert.Equal(1, loads);
        Assert.Equal(10, cache.Bytes);
    }

    [Fact]
    public async Task A_server_with_a_small_cache_keeps_its_bytes_under_it_and_still_serves_every_array()
    {
        using var folder = new TemporaryFolder();
        var runs = Enumerable.Range(0, 4).Select(i => ViewerFixtureRun.Write(Path.Combine(folder.Path, $"run{i}"), points: 200)).ToList();
        // One "hidden" array is 200 × 50 floats = 40,000 bytes (+800 for its neighbour norms); room for two.
        await using var server = await ViewerServer.StartAsync(new ViewerServerOptions { Directory = folder.Path, Port = 0, CacheBytes = 100_000 });
        using var client = new HttpClient { BaseAddress = server.Url };

        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < runs.Count; i++)
            {
                var bytes = await client.GetByteArrayAsync($"api/runs/run{i}/arrays/hidden");
                Assert.Equal(runs[i].Hidden.Values[123], BitConverter.ToSingle(bytes, 123 * 4));
                Assert.InRange(server.Catalog.Cache.Bytes, 1, 100_000);
            }
        }
        Assert.Equal(2, server.Catalog.Cache.Count);
    }
}
