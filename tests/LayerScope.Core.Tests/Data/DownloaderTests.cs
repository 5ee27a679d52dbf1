using System.Security.Cryptography;
using LayerScope.Data;
using LayerScope.Errors;
using LayerScope.Progress;
using LayerScope.Testing;

namespace LayerScope.Tests.Data;

public sealed class DownloaderTests : IDisposable
{
    private static readonly byte[] Content = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7 % 251)).ToArray();
    private static readonly string ContentSha256 = Convert.ToHexStringLower(SHA256.HashData(Content));

    private readonly LoopbackHttpServer _server = new();
    private readonly TemporaryFolder _folder = new();
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false });

    public DownloaderTests() => _server.Serve("/data/file.bin", Content);

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
        _folder.Dispose();
    }

    private Downloader NewDownloader(int progressInterval = 64 * 1024) =>
        new(new DownloaderOptions { HttpClient = _client, ProgressInterval = progressInterval });

    [Fact]
    public async Task A_good_download_lands_at_the_destination_with_nothing_else_beside_it()
    {
        using var downloader = NewDownloader();
        var destination = _folder.File("sub/file.bin");

        var path = await downloader.DownloadAsync(_server.Url("/data/file.bin"), destination, ContentSha256, null, default);

        Assert.Equal(Path.GetFullPath(destination), path);
        Assert.Equal(Content, await File.ReadAllBytesAsync(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public async Task A_file_already_there_with_the_right_hash_is_not_downloaded_again()
    {
        using var downloader = NewDownloader();
        var destination = _folder.File("file.bin");
        await downloader.DownloadAsync(_server.Url("/data/file.bin"), destination, ContentSha256, null, default);

        await downloader.DownloadAsync(_server.Url("/data/file.bin"), destination, ContentSha256.ToUpperInvariant(), null, default);

        Assert.Equal(1, _server.RequestCount);
    }

    [Fact]
    public async Task A_file_already_there_with_a_wrong_hash_is_replaced()
    {
        using var downloader = NewDownloader();
        var destination = _folder.File("file.bin");
        await File.WriteAllTextAsync(destination, "stale partial copy");

        await downloader.DownloadAsync(_server.Url("/data/file.bin"), destination, ContentSha256, null, default);

        Assert.Equal(1, _server.RequestCount);
        Assert.Equal(Content, await File.ReadAllBytesAsync(destination));
    }

    [Fact]
    public async Task A_wrong_checksum_names_url_and_both_hashes_and_leaves_no_file()
    {
        using var downloader = NewDownloader();
        var destination = _folder.File("file.bin");
        var wrong = new string('0', 64);

        var error = await Assert.ThrowsAsync<LayerScopeException>(
            () => downloader.DownloadAsync(_server.Url("/data/file.bin"), destination, wrong, null, default));

        Assert.Contains(_server.Url("/data/file.bin").ToString(), error.Message);
        Assert.Contains(wrong, error.Message);
        Assert.Contains(ContentSha256, error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_folder.Path));
    }

    [Fact]
    public async Task An_http_error_names_the_status_and_leaves_no_file()
    {
        using var downloader = NewDownloader();

        var error = await Assert.ThrowsAsync<LayerScopeException>(
            () => downloader.DownloadAsync(_server.Url("/missing.bin"), _folder.File("missing.bin"), ContentSha256, null, default));

        Assert.Contains("404", error.Message);
        Assert.Contains("/missing.bin", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_folder.Path));
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_as_a_layerscope_error()
    {
        using var downloader = NewDownloader();
        var url = _server.Url("/data/file.bin");
        _server.Dispose();

        var error = await Assert.ThrowsAsync<LayerScopeException>(
            () => downloader.DownloadAsync(url, _folder.File("file.bin"), ContentSha256, null, default));

        Assert.Contains(url.ToString(), error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_folder.Path));
    }

    [Fact]
    public async Task Progress_counts_bytes_up_to_the_total()
    {
        using var downloader = NewDownloader(progressInterval: 64 * 1024);
        var reports = new RecordingProgress();

        await downloader.DownloadAsync(_server.Url("/data/file.bin"), _folder.File("file.bin"), ContentSha256, reports, default);

        Assert.True(reports.Items.Count >= 3, $"expected a start, intermediate and final report, got {reports.Items.Count}");
        Assert.All(reports.Items, r => Assert.Equal("download file.bin", r.Step));
        Assert.All(reports.Items, r => Assert.Equal(Content.Length, r.Total));
        Assert.Equal(reports.Items.Select(r => r.Done).Order(), reports.Items.Select(r => r.Done));
        Assert.Equal(0, reports.Items[0].Done);
        Assert.True(reports.Items[^1].IsComplete);
        Assert.Equal(Content.Length, reports.Items[^1].Done);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_in_time_is_reported_with_the_timeout()
    {
        _server.Stall("/slow.bin");
        using var downloader = new Downloader(new DownloaderOptions { HttpClient = _client, Timeout = TimeSpan.FromMilliseconds(300) });

        var error = await Assert.ThrowsAsync<LayerScopeException>(
            () => downloader.DownloadAsync(_server.Url("/slow.bin"), _folder.File("slow.bin"), ContentSha256, null, default));

        Assert.Contains("/slow.bin", error.Message);
        Assert.Contains("0.3 s", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_folder.Path));
    }

    [Fact]
    public async Task Cancellation_leaves_no_file()
    {
        using var downloader = NewDownloader();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => downloader.DownloadAsync(_server.Url("/data/file.bin"), _folder.File("file.bin"), ContentSha256, null, cancelled.Token));

        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public async Task A_whole_data_set_downloads_into_its_folder()
    {
        var dataSet = new DataSetInfo("tiny", "A tiny test set", "none",
        [
            new("a.bin", _server.Url("/data/file.bin"), ContentSha256),
            new("b.bin", _server.Url("/data/file.bin"), ContentSha256),
        ]);
        using var downloader = NewDownloader();

        var paths = await downloader.DownloadAsync(dataSet, _folder.Path);

        Assert.Equal(new[] { _folder.File("tiny/a.bin"), _folder.File("tiny/b.bin") }, paths);
        Assert.Equal(dataSet.PathIn(_folder.Path, "a.bin"), dataSet.FindFile("a.bin", new DataDirectoryChoice(_folder.Path, DataDirectorySource.CommandLine)));
    }

    [Fact]
    public async Task A_malformed_expected_hash_is_a_programming_error()
    {
        using var downloader = NewDownloader();

        await Assert.ThrowsAsync<ArgumentException>(
            () => downloader.DownloadAsync(_server.Url("/data/file.bin"), _folder.File("x"), "abc", null, default));
    }

    /// <summary>Records reports synchronously (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
    private sealed class RecordingProgress : IProgress<StepProgress>
    {
        private readonly List<StepProgress> _items = [];

        public IReadOnlyList<StepProgress> Items
        {
            get { lock (_items) return [.. _items]; }
        }

        public void Report(StepProgress value)
        {
            lock (_items) _items.Add(value);
        }
    }
}
