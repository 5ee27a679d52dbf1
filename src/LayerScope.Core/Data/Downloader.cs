using System.Globalization;
using System.Security.Cryptography;
using LayerScope.Errors;
using LayerScope.Progress;

namespace LayerScope.Data;

/// <summary>
/// Downloads files and checks their SHA-256 before anyone can see them: the bytes go to a temporary file beside the
/// destination while being hashed, and only a file with the expected hash is renamed into place. A destination that
/// already has the expected hash is not downloaded again.
/// </summary>
public sealed class Downloader : IDisposable
{
    private readonly DownloaderOptions _options;
    private readonly HttpClient _client;
    private readonly bool _ownsClient;

    public Downloader(DownloaderOptions? options = null)
    {
        _options = options ?? new DownloaderOptions();
        _ownsClient = _options.HttpClient is null;
        // The options' timeout covers the whole transfer, so the client's own (100 s for the headers) is turned off.
        _client = _options.HttpClient ?? new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    /// <summary>Downloads <paramref name="url"/> to <paramref name="destination"/> unless it is already there with
    /// the expected hash.</summary>
    /// <param name="url">Where to get the file.</param>
    /// <param name="destination">The file to create or replace; its folder is created when missing.</param>
    /// <param name="expectedSha256">The file's SHA-256 as 64 hex digits.</param>
    /// <param name="progress">Receives bytes done and the total (0 when the server does not say), under the step name
    /// "download FILE".</param>
    /// <param name="cancellationToken">Cancels the download; the destination is then left as it was.</param>
    /// <returns>The full path of the verified file.</returns>
    /// <exception cref="LayerScopeException">The server answered with an error, could not be reached, took longer
    /// than <see cref="DownloaderOptions.Timeout"/>, or sent a file with another hash. Nothing is left at the
    /// destination that was not there before.</exception>
    public async Task<string> DownloadAsync(Uri url, string destination, string expectedSha256,
        IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        var expected = NormalizeSha256(expectedSha256, nameof(expectedSha256));
        var target = Path.GetFullPath(destination);
        var step = $"download {Path.GetFileName(target)}";

        if (File.Exists(target) && await HashFileAsync(target, cancellationToken).ConfigureAwait(false) == expected)
        {
            var length = new FileInfo(target).Length;
            progress?.Report(new StepProgress(step, length, length, "already downloaded"));
            return target;
        }

        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.download");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            var actual = await TransferAsync(url, temporary, step, progress, timeout.Token).ConfigureAwait(false);
            if (actual != expected)
                throw new LayerScopeException(
                    $"The file downloaded from {url} has SHA-256 {actual}, but {expected} was expected, so it was discarded. "
                    + "The download may have been corrupted or the file changed upstream; try again, or get the file another way and check its hash.");
            File.Move(temporary, target, overwrite: true);
            return target;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LayerScopeException(
                $"Downloading {url} took longer than {_options.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s and was stopped.");
        }
        catch (HttpRequestException error)
        {
            throw new LayerScopeException($"Downloading {url} failed: {error.Message}", error);
        }
        catch (HttpIOException error)
        {
            throw new LayerScopeException($"Downloading {url} failed part way: {error.Message}", error);
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    /// <summary>Downloads every file of <paramref name="dataSet"/> into its folder in <paramref name="dataDirectory"/>,
    /// skipping files already there with the right hash.</summary>
    /// <returns>The full paths of the files, in the data set's order.</returns>
    public async Task<IReadOnlyList<string>> DownloadAsync(DataSetInfo dataSet, string dataDirectory,
        IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSet);
        var paths = new List<string>();
        foreach (var file in dataSet.Files)
            paths.Add(await DownloadAsync(file.Url, dataSet.PathIn(dataDirectory, file.FileName), file.Sha256, progress, cancellationToken)
                .ConfigureAwait(false));
        return paths;
    }

    public void Dispose()
    {
        if (_ownsClient) _client.Dispose();
    }

    /// <summary>Streams the response body into <paramref name="temporary"/> and returns its SHA-256.</summary>
    private async Task<string> TransferAsync(Uri url, string temporary, string step, IProgress<StepProgress>? progress,
        CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new LayerScopeException(
                $"Downloading {url} failed: the server answered {(int)response.StatusCode} {response.ReasonPhrase}.");

        double total = response.Content.Headers.ContentLength ?? 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var target = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await using (target.ConfigureAwait(false))
            {
                progress?.Report(new StepProgress(step, 0, total));
                var buffer = new byte[1 << 16];
                long done = 0, reported = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    done += read;
                    if (done - reported >= _options.ProgressInterval)
                    {
                        progress?.Report(new StepProgress(step, done, total));
                        reported = done;
                    }
                }
                target.Flush(flushToDisk: true);
                progress?.Report(new StepProgress(step, done, total > 0 ? total : done));
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    private static string NormalizeSha256(string sha256, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(sha256, parameterName);
        var trimmed = sha256.Trim();
        if (trimmed.Length != 64 || !trimmed.All(char.IsAsciiHexDigit))
            throw new ArgumentException($"'{sha256}' is not a SHA-256 (64 hex digits).", parameterName);
        return trimmed.ToLowerInvariant();
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* best effort: a stale .download file never has the target's name */ }
        catch (UnauthorizedAccessException) { }
    }
}
