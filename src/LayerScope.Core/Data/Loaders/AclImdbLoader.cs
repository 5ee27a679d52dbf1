using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using LayerScope.Data.Reviews;
using LayerScope.Errors;
using LayerScope.Progress;

namespace LayerScope.Data.Loaders;

/// <summary>
/// Reads the Large Movie Review Dataset v1.0 (Maas et al., ACL 2011) in its published layout,
/// <c>aclImdb/{train,test}/{pos,neg}/ID_RATING.txt</c> (one UTF-8 review per file), either straight from the
/// archive (<c>aclImdb_v1.tar.gz</c>, or a plain tar) without extracting it, or from the extracted folder. Everything
/// else the original archive holds (<c>train/unsup/</c>, the <c>.feat</c> bag-of-words files, <c>imdb.vocab</c>,
/// <c>urls_*.txt</c>, <c>README</c>) is skipped, so trimmed copies with only the labelled reviews load the same way.
/// </summary>
public static class AclImdbLoader
{
    /// <summary>The original archive's file name.</summary>
    public const string ArchiveFile = "aclImdb_v1.tar.gz";

    /// <summary>The folder the archive extracts to.</summary>
    public const string FolderName = "aclImdb";

    private const string Layout = "reviews under aclImdb/{train,test}/{pos,neg}/ID_RATING.txt";

    // Strict: a byte that is not UTF-8 fails the load instead of silently becoming U+FFFD in a review.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads the reviews from the data directory: <c>imdb/aclImdb_v1.tar.gz</c>, else the extracted folder
    /// <c>imdb/aclImdb/</c>, else another <c>imdb/aclImdb*.tar.gz</c> (a relabelled copy).</summary>
    /// <exception cref="LayerScopeException">None is there (the message says how to get the archive), or it is
    /// malformed.</exception>
    public static ReviewCorpus Load(DataDirectoryChoice dataDirectory, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var folder = Path.Combine(dataDirectory.Path, DataSetCatalog.Imdb.Folder);
        var archive = Path.Combine(folder, ArchiveFile);
        if (File.Exists(archive)) return LoadArchive(archive, progress, cancellationToken);
        var extracted = Path.Combine(folder, FolderName);
        if (Directory.Exists(extracted)) return LoadFolder(extracted, progress, cancellationToken);
        var other = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, FolderName + "*.tar.gz").Order(StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (other is not null) return LoadArchive(other, progress, cancellationToken);
        // Throws the catalog's message: where it looked, the setting that chose the folder, how to download.
        return LoadArchive(DataSetCatalog.Imdb.FindFile(ArchiveFile, dataDirectory), progress, cancellationToken);
    }

    /// <summary>Reads <paramref name="path"/>: an archive file (gzip'd or plain tar) or an extracted folder (the
    /// <c>aclImdb</c> folder itself or the folder holding it).</summary>
    public static ReviewCorpus Load(string path, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Directory.Exists(path) ? LoadFolder(path, progress, cancellationToken) : LoadArchive(path, progress, cancellationToken);

    /// <summary>Streams the reviews out of a tar archive, gzip'd (detected by its magic bytes) or not, without
    /// extracting anything.</summary>
    /// <exception cref="DataFormatException">The file is not a readable (gzip'd) tar, a review file's name or text is
    /// malformed, or a split has no reviews.</exception>
    public static ReviewCorpus LoadArchive(string path, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new LayerScopeException($"{path}: no such file; expected the Large Movie Review Dataset archive ({ArchiveFile}).");
        var step = $"read {Path.GetFileName(path)}";
        var collector = new Collector(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var isGzip = file.Length >= 2 && file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        Stream content = isGzip ? new BufferedStream(new GZipStream(file, CompressionMode.Decompress, leaveOpen: true), 1 << 16) : file;
        var lastEntry = "the start of the archive";
        var buffer = new byte[1 << 16];
        try
        {
            using var tar = new TarReader(content, leaveOpen: true);
            long entries = 0;
            progress?.Report(new StepProgress(step, 0, file.Length));
            while (tar.GetNextEntry() is { } entry)
            {
                if (++entries % 2048 == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    progress?.Report(new StepProgress(step, file.Position, file.Length, $"{collector.Count:N0} reviews"));
                }
                lastEntry = entry.Name;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
                if (!ReviewPath.TryParse(entry.Name, path, out var location)) continue;
                if (entry.Length > int.MaxValue / 2)
                    throw new DataFormatException(path, $"entry {entry.Name}", "a review of at most 1 GB", $"{entry.Length} bytes");
                var length = (int)entry.Length;
                if (buffer.Length < length) buffer = new byte[Math.Max(length, buffer.Length * 2)];
                entry.DataStream.ReadExactly(buffer, 0, length);
                collector.Add(location, Decode(buffer.AsSpan(0, length), path, $"entry {entry.Name}"));
            }
        }
        catch (Exception error) when (error is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new DataFormatException(path, $"the tar entry after {lastEntry}",
                "a tar archive (gzip'd or not) of the Large Movie Review Dataset", $"unreadable data ({error.Message})");
        }
        finally
        {
            if (isGzip) content.Dispose();
        }
        progress?.Report(new StepProgress(step, file.Length, file.Length, $"{collector.Count:N0} reviews"));
        return collector.ToCorpus();
    }

    /// <summary>Reads the reviews of an extracted archive: <paramref name="path"/> is the <c>aclImdb</c> folder or
    /// the folder holding it.</summary>
    /// <exception cref="DataFormatException">A review file's name or text is malformed, or a split has no reviews.</exception>
    public static ReviewCorpus LoadFolder(string path, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var root = Path.GetFullPath(path);
        if (!Directory.Exists(Path.Combine(root, "train")) && !Directory.Exists(Path.Combine(root, "test"))
            && Directory.Exists(Path.Combine(root, FolderName)))
            root = Path.Combine(root, FolderName);
        if (!Directory.Exists(root))
            throw new LayerScopeException($"{path}: no such folder; expected the extracted Large Movie Review Dataset ({FolderName}/).");

        var collector = new Collector(root);
        var step = $"read {Path.GetFileName(root)}";
        string[] splits = ["train", "test"], classes = ["neg", "pos"];
        var files = splits.SelectMany(split => classes.Select(label => Path.Combine(root, split, label)))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder))
            .ToList();
        for (var i = 0; i < files.Count; i++)
        {
            if (i % 2048 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new StepProgress(step, i, files.Count));
            }
            var relative = Path.GetRelativePath(root, files[i]).Replace(Path.DirectorySeparatorChar, '/');
            if (!ReviewPath.TryParse(relative, files[i], out var location)) continue;
            collector.Add(location, Decode(File.ReadAllBytes(files[i]), files[i], "text"));
        }
        progress?.Report(new StepProgress(step, files.Count, files.Count));
        return collector.ToCorpus();
    }

    private static string Decode(ReadOnlySpan<byte> bytes, string file, string field)
    {
        try
        {
            return Utf8.GetString(bytes);
        }
        catch (DecoderFallbackException error)
        {
            throw new DataFormatException(file, field, "UTF-8 text", $"a byte that is not UTF-8 at offset {error.Index}");
        }
    }

    /// <summary>Where a review file sits: its split, class, id and rating.</summary>
    private readonly record struct ReviewPath(ReviewSplit Split, int Label, int Id, int Rating, string Name)
    {
        /// <summary>Reads <c>.../{train,test}/{pos,neg}/ID_RATING.txt</c>; false for every other path (unsup/, urls,
        /// .feat files). A file in a pos/neg folder whose name is not ID_RATING.txt with a rating that fits its class
        /// is an error, not something to skip.</summary>
        public static bool TryParse(string name, string source, out ReviewPath location)
        {
            location = default;
            var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3) return false;
            string split = parts[^3], label = parts[^2], file = parts[^1];
            if (split is not ("train" or "test") || label is not ("pos" or "neg")) return false;

            var field = $"file name {name}";
            const string expected = "ID_RATING.txt with whole numbers (e.g. 123_8.txt)";
            if (!file.EndsWith(".txt", StringComparison.Ordinal))
                throw new DataFormatException(source, field, expected, $"'{file}'");
            var stem = file[..^4];
            var underscore = stem.IndexOf('_', StringComparison.Ordinal);
            if (underscore < 0
                || !int.TryParse(stem.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || !int.TryParse(stem.AsSpan(underscore + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var rating))
                throw new DataFormatException(source, field, expected, $"'{file}'");
            var isPositive = label == "pos";
            if (isPositive ? rating is < 7 or > 10 : rating is < 1 or > 4)
                throw new DataFormatException(source, field,
                    isPositive ? "a rating of 7 to 10 for a review in pos/" : "a rating of 1 to 4 for a review in neg/", $"{rating}");
            location = new ReviewPath(split == "train" ? ReviewSplit.Train : ReviewSplit.Test,
                isPositive ? MovieReview.Positive : MovieReview.Negative, id, rating, name);
            return true;
        }
    }

    /// <summary>Gathers reviews in any order and hands them out sorted, refusing duplicates and empty splits.</summary>
    private sealed class Collector(string source)
    {
        private readonly List<MovieReview> _train = new(25_000);
        private readonly List<MovieReview> _test = new(25_000);
        private readonly Dictionary<(ReviewSplit, int, int), string> _seen = [];

        public int Count => _train.Count + _test.Count;

        public void Add(ReviewPath location, string text)
        {
            if (!_seen.TryAdd((location.Split, location.Label, location.Id), location.Name))
                throw new DataFormatException(source, $"file name {location.Name}", "each review id once per split and class",
                    $"a second review {location.Id} (also {_seen[(location.Split, location.Label, location.Id)]})");
            (location.Split == ReviewSplit.Train ? _train : _test).Add(new MovieReview(location.Id, location.Label, location.Rating, text));
        }

        public ReviewCorpus ToCorpus()
        {
            foreach (var (split, reviews) in new[] { ("train", _train), ("test", _test) })
                if (reviews.Count == 0)
                    throw new DataFormatException(source, $"{split} split", Layout, $"no {split} reviews");
            return new ReviewCorpus(Sorted(_train), Sorted(_test), source);
        }

        private static MovieReview[] Sorted(List<MovieReview> reviews) =>
            [.. reviews.OrderBy(r => r.Label).ThenBy(r => r.Id)];
    }
}
