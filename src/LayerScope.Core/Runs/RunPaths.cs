using LayerScope.Errors;
using LayerScope.Storage;

namespace LayerScope.Runs;

/// <summary>
/// The one place where a file name from a manifest becomes a path on disk. A name is a relative path with '/'
/// separators and no '..' segment; it must stay inside the run folder also after following symbolic links. A
/// manifest is data someone else may have written: it must not be able to point the viewer at ~/.ssh.
/// </summary>
public static class RunPaths
{
    /// <summary>Why <paramref name="relative"/> is not an acceptable file name in a manifest, or null when it is.</summary>
    public static string? Problem(string? relative)
    {
        if (string.IsNullOrWhiteSpace(relative)) return "an empty path";
        if (relative.Contains('\\', StringComparison.Ordinal)) return $"'{relative}' (backslashes are not allowed; use '/')";
        if (relative.Contains('\0', StringComparison.Ordinal)) return $"'{relative}' (a NUL character)";
        if (relative.StartsWith('/') || Path.IsPathRooted(relative) || relative.Contains(':', StringComparison.Ordinal))
            return $"'{relative}' (an absolute path)";
        if (relative.Split('/').Any(segment => segment == ".."))
            return $"'{relative}' (a '..' segment)";
        return null;
    }

    /// <summary>The full path of <paramref name="relative"/> inside <paramref name="runFolder"/>.</summary>
    /// <param name="runFolder">The run folder.</param>
    /// <param name="relative">The file name as the manifest gives it.</param>
    /// <param name="manifestFile">The manifest, named in errors.</param>
    /// <param name="field">The manifest field holding the name, named in errors.</param>
    /// <exception cref="DataFormatException">The name is unsafe, or the file (or a link on its way) lies outside the
    /// run folder, or the file does not exist.</exception>
    public static string Resolve(string runFolder, string? relative, string manifestFile, string field)
    {
        const string expected = "a path relative to the run folder, inside it, without '..'";
        if (Problem(relative) is { } problem) throw new DataFormatException(manifestFile, field, expected, problem);
        var root = Path.GetFullPath(runFolder);
        var full = Path.GetFullPath(Path.Combine(root, relative!));
        if (!IsInside(root, full)) throw new DataFormatException(manifestFile, field, expected, $"'{relative}' (outside the run folder)");

        // Follow every symbolic link on the way: a link inside the folder may point anywhere.
        var realRoot = RealPath(root);
        var current = root;
        foreach (var segment in Path.GetRelativePath(root, full).Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (info.LinkTarget is null) continue;
            var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            if (target is null || !IsInside(realRoot, RealPath(target)))
                throw new DataFormatException(manifestFile, field, expected, $"'{relative}' (a link to a file outside the run folder)");
        }
        if (!File.Exists(full)) throw new DataFormatException(manifestFile, field, "an existing file", $"'{relative}' (no such file)");
        return full;
    }

    /// <summary>Opens <paramref name="relative"/> inside <paramref name="runFolder"/> for reading, once it is resolved
    /// (<see cref="Resolve"/>) and only when it is a regular file (<see cref="RegularFile"/>): a FIFO named like an array
    /// must not make a reader wait forever.</summary>
    /// <exception cref="DataFormatException">As <see cref="Resolve"/>, or the file is a FIFO, socket or terminal.</exception>
    public static FileStream OpenRead(string runFolder, string? relative, string manifestFile, string field) =>
        RegularFile.OpenRead(Resolve(runFolder, relative, manifestFile, field), manifestFile, field);

    private static bool IsInside(string root, string path) =>
        path.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path with the links of its folders resolved (as far as they exist).</summary>
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = Path.GetPathRoot(full)!;
        foreach (var part in parts)
        {
            current = Path.Combine(current, part);
            var info = new DirectoryInfo(current);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target) current = target.FullName;
        }
        return current;
    }
}
