using System.Text;
using LayerScope.Errors;
using LayerScope.Runs;

namespace LayerScope.Server;

/// <summary>
/// The runs under a folder: every run.json in it and in its sub-folders down to <see cref="MaxDepth"/> levels, read
/// and validated with <see cref="RunManifestReader"/>. Hidden folders (staging folders of runs being written) and
/// linked folders are skipped. Each run gets an opaque id of [A-Za-z0-9._-] made from its relative path, kept for as
/// long as the catalog lives; <see cref="Refresh"/> picks up new, changed and removed runs.
/// </summary>
/// <remarks>
/// The folder is searched and manifests are read outside the lock that guards the list, so a run whose files are slow
/// or odd (a FIFO where an array should be) never holds up requests for the others; a run that cannot be read is left
/// out with its problem, reported once through the warning callback.
/// </remarks>
public sealed class RunCatalog
{
    /// <summary>How many levels of sub-folders are searched.</summary>
    public const int MaxDepth = 3;

    private readonly object _lock = new();
    private readonly object _refreshing = new();
    private readonly Dictionary<string, string> _idsByFolder = new(StringComparer.Ordinal);
    private readonly RunDataCache _cache;
    private readonly TimeSpan _maxAge;
    private readonly Action<string>? _warning;
    private IReadOnlyDictionary<string, ServedRun> _runs = new Dictionary<string, ServedRun>();
    private IReadOnlyDictionary<string, string> _problems = new Dictionary<string, string>();
    private long _refreshedAt;

    /// <summary>Scans <paramref name="directory"/> for runs.</summary>
    /// <exception cref="LayerScopeException">The folder does not exist.</exception>
    public RunCatalog(string directory)
        : this(directory, new RunDataCache(ViewerServerOptions.DefaultCacheBytes), TimeSpan.Zero, warning: null)
    {
    }

    internal RunCatalog(string directory, RunDataCache cache, TimeSpan maxAge, Action<string>? warning)
    {
        Directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(Directory)) throw new LayerScopeException($"{Directory}: no such folder; give the folder holding the runs.");
        _cache = cache;
        _maxAge = maxAge;
        _warning = warning;
        Refresh();
    }

    /// <summary>The folder searched.</summary>
    public string Directory { get; }

    /// <summary>The valid runs, ordered by id.</summary>
    public IReadOnlyList<ServedRun> Runs
    {
        get { lock (_lock) return [.. _runs.Values.OrderBy(r => r.Id, StringComparer.Ordinal)]; }
    }

    /// <summary>Why each run.json that was found but not served was refused (one message per file).</summary>
    public IReadOnlyList<string> Problems
    {
        get { lock (_lock) return [.. _problems.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value)]; }
    }

    internal RunDataCache Cache => _cache;

    /// <summary>The run with <paramref name="id"/>, or null.</summary>
    public ServedRun? Find(string id)
    {
        lock (_lock) return _runs.GetValueOrDefault(id);
    }

    /// <summary>Searches the folder again unless that was done less than the catalog's maximum age ago, or another
    /// request is searching it now (then the list as it stands is good enough). Listing 2,000 runs took 146 ms, so a
    /// list asked for many times a second must not search every time.</summary>
    public void RefreshIfStale()
    {
        if (Environment.TickCount64 - Interlocked.Read(ref _refreshedAt) < _maxAge.TotalMilliseconds) return;
        if (!Monitor.TryEnter(_refreshing)) return;
        try
        {
            if (Environment.TickCount64 - Interlocked.Read(ref _refreshedAt) >= _maxAge.TotalMilliseconds) RefreshLocked();
        }
        finally
        {
            Monitor.Exit(_refreshing);
        }
    }

    /// <summary>Searches the folder again. Runs whose run.json did not change keep their loaded data.</summary>
    public void Refresh()
    {
        lock (_refreshing) RefreshLocked();
    }

    private void RefreshLocked()
    {
        IReadOnlyDictionary<string, ServedRun> before;
        IReadOnlyDictionary<string, string> knownProblems;
        lock (_lock)
        {
            before = _runs;
            knownProblems = _problems;
        }
        var previous = before.Values.ToDictionary(r => r.Folder, StringComparer.Ordinal);
        var runs = new Dictionary<string, ServedRun>(StringComparer.Ordinal);
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in FindRunFolders())
        {
            var manifestPath = Path.Combine(folder, RunManifest.FileName);
            DateTime written;
            try
            {
                written = File.GetLastWriteTimeUtc(manifestPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // removed while searching
            }
            if (previous.TryGetValue(folder, out var known) && known.ManifestWritten == written)
            {
                runs[known.Id] = known;
                continue;
            }
            string? refusal = null;
            try
            {
                var manifest = RunManifestReader.Read(folder);
                var id = IdFor(folder);
                runs[id] = new ServedRun(id, folder, manifest, written, _cache);
            }
            catch (LayerScopeException e)
            {
                refusal = e.Message;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                refusal = $"{manifestPath}: {e.Message}";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One run that trips an unforeseen case is skipped and reported; it must never take the others down.
                refusal = $"{manifestPath}: cannot be read ({e.GetType().Name}: {e.Message}).";
            }
            if (refusal is not null)
            {
                problems[folder] = refusal;
                // Read again at every search (a file put right without touching run.json is picked up), told once.
                if (!knownProblems.TryGetValue(folder, out var told) || told != refusal)
                    _warning?.Invoke($"skipped a run: {refusal}");
            }
        }
        lock (_lock)
        {
            _runs = runs;
            _problems = problems;
        }
        Interlocked.Exchange(ref _refreshedAt, Environment.TickCount64);
    }

    private List<string> FindRunFolders()
    {
        var found = new List<string>();
        var options = new EnumerationOptions { IgnoreInaccessible = true, RecurseSubdirectories = false, AttributesToSkip = FileAttributes.ReparsePoint | FileAttributes.Hidden };
        void Visit(string folder, int depth)
        {
            if (File.Exists(Path.Combine(folder, RunManifest.FileName))) found.Add(folder);
            if (depth == MaxDepth) return;
            foreach (var child in System.IO.Directory.EnumerateDirectories(folder, "*", options).Order(StringComparer.Ordinal))
            {
                // Dot-folders are where StagedDirectory writes a run before it is complete.
                if (Path.GetFileName(child).StartsWith('.')) continue;
                Visit(child, depth + 1);
            }
        }
        Visit(Directory, 0);
        return found;
    }

    private string IdFor(string folder)
    {
        if (_idsByFolder.TryGetValue(folder, out var known)) return known;
        var relative = Path.GetRelativePath(Directory, folder);
        var basis = Slug(relative == "." ? Path.GetFileName(Directory) : relative.Replace(Path.DirectorySeparatorChar, '.'));
        var id = basis;
        for (int n = 2; _idsByFolder.ContainsValue(id); n++) id = $"{basis}-{n}";
        _idsByFolder[folder] = id;
        return id;
    }

    /// <summary>Keeps [A-Za-z0-9._-], turns anything else into '-', and never leaves ".." (refused in URLs).</summary>
    internal static string Slug(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var keep = char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
            var next = keep ? c : '-';
            if (next == '.' && builder.Length > 0 && builder[^1] == '.') continue;
            builder.Append(next);
        }
        var slug = builder.ToString().Trim('.');
        return slug.Length == 0 ? "run" : slug;
    }
}
