using System.Diagnostics;

namespace LayerScope.Storage;

/// <summary>
/// Names and cleans the temporaries that outputs pass through (a file before its rename, a staging folder before
/// its swap, the previous output during the swap). They all lie beside their target, hidden, with one prefix and the
/// writing process's id, so a run killed with -9 leaves only names this class recognizes, and the next run that
/// writes into the same folder removes them once their writer is gone.
/// </summary>
internal static class OutputTemporaries
{
    /// <summary>The start of every temporary's name.</summary>
    public const string Prefix = ".layerscope-tmp-";

    /// <summary>A temporary file about to replace a target.</summary>
    public const string FileKind = "file";

    /// <summary>A staging folder about to replace a target folder.</summary>
    public const string StagingKind = "staging";

    /// <summary>A previous output folder moved aside during a swap; restored if the swap did not finish.</summary>
    public const string PreviousKind = "old";

    private static readonly DateTime ProcessStartUtc = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    /// <summary>A fresh temporary path for <paramref name="target"/>, in the target's folder.</summary>
    public static string Beside(string target, string kind)
    {
        var full = Path.GetFullPath(target);
        return Path.Combine(Path.GetDirectoryName(full)!, $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}-{kind}-{Path.GetFileName(full)}");
    }

    /// <summary>Removes the temporaries in <paramref name="folder"/> left by processes that are gone: older than this
    /// process, of a process id no longer running, and (files) not locked. A previous output moved aside by a swap
    /// that never finished is moved back when its target is missing. Best effort: what cannot be removed stays.</summary>
    public static void CleanStale(string folder)
    {
        IEnumerable<string> entries;
        try
        {
            if (!Directory.Exists(folder)) return;
            entries = Directory.EnumerateFileSystemEntries(folder, Prefix + "*").ToList();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var entry in entries)
        {
            try
            {
                CleanOne(folder, entry);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Another process may be cleaning too, or the entry is in use: leave it for a later run.
            }
        }
    }

    private static void CleanOne(string folder, string entry)
    {
        // .layerscope-tmp-{pid}-{guid}-{kind}-{target name}
        var parts = Path.GetFileName(entry)[Prefix.Length..].Split('-', 4);
        if (parts.Length != 4 || !int.TryParse(parts[0], out var pid)) return;
        if (pid == Environment.ProcessId || IsRunning(pid)) return;
        bool isFolder = Directory.Exists(entry);
        var written = isFolder ? Directory.GetLastWriteTimeUtc(entry) : File.GetLastWriteTimeUtc(entry);
        if (written >= ProcessStartUtc) return;

        if (!isFolder)
        {
            // A lock means some process still writes it, whatever its name says.
            using (new FileStream(entry, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
            File.Delete(entry);
            return;
        }
        var target = Path.Combine(folder, parts[3]);
        if (parts[2] == PreviousKind && !Directory.Exists(target) && !File.Exists(target))
        {
            Directory.Move(entry, target); // killed between the two renames of a swap: the previous output comes back
            return;
        }
        Directory.Delete(entry, recursive: true);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
