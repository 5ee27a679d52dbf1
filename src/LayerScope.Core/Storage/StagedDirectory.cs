using LayerScope.Errors;

namespace LayerScope.Storage;

/// <summary>
/// An output folder that appears complete or not at all. Files are written into a hidden staging folder beside the
/// target; <see cref="Commit"/> swaps it into place. Disposing without committing deletes the staging folder, so a
/// failed run leaves the previous output (or nothing) instead of half a report.
/// </summary>
public sealed class StagedDirectory : IDisposable
{
    private readonly string _target;
    private bool _committed;

    private StagedDirectory(string target, string staging)
    {
        _target = target;
        Path = staging;
    }

    /// <summary>The staging folder to write into.</summary>
    public string Path { get; }

    /// <summary>Where the output lands on <see cref="Commit"/>.</summary>
    public string Target => _target;

    /// <summary>Starts staging output for <paramref name="target"/>. Refuses a target that is an existing file, or a
    /// non-empty folder without <paramref name="markerFile"/> (so a run never replaces a folder it did not write).</summary>
    public static StagedDirectory Create(string target, string markerFile)
    {
        var full = System.IO.Path.GetFullPath(target);
        if (System.IO.File.Exists(full)) throw new LayerScopeException($"{full}: the output path is a file; give a folder.");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !System.IO.File.Exists(System.IO.Path.Combine(full, markerFile)))
            throw new LayerScopeException($"{full}: the output folder is not empty and was not written by LayerScope (no {markerFile}); "
                + "choose another target folder (StagedDirectory target) or empty it.");
        var parent = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        OutputTemporaries.CleanStale(parent);
        var staging = OutputTemporaries.Beside(full, OutputTemporaries.StagingKind);
        Directory.CreateDirectory(staging);
        return new StagedDirectory(full, staging);
    }

    /// <summary>A path inside the staging folder, creating its parent folders.</summary>
    public string File(params string[] relative)
    {
        var path = System.IO.Path.Combine([Path, .. relative]);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Replaces the target folder with the staged one.</summary>
    public void Commit()
    {
        if (_committed) return;
        string? old = null;
        if (Directory.Exists(_target))
        {
            // Hidden and prefixed like the staging folder: a kill between the two moves leaves no visible folder,
            // and the next run puts the previous output back (OutputTemporaries.CleanStale).
            old = OutputTemporaries.Beside(_target, OutputTemporaries.PreviousKind);
            Directory.Move(_target, old);
        }
        Directory.Move(Path, _target);
        _committed = true;
        if (old is not null) Directory.Delete(old, recursive: true);
    }

    /// <summary>Deletes the staging folder unless committed.</summary>
    public void Dispose()
    {
        if (_committed || !Directory.Exists(Path)) return;
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* best effort; the folder is hidden and named as staging */ }
    }
}
