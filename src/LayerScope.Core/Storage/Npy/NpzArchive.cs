using System.IO.Compression;
using LayerScope.Errors;

namespace LayerScope.Storage.Npy;

/// <summary>numpy .npz archives: a zip file with one <c>NAME.npy</c> entry per array, as <c>np.savez</c> and
/// <c>np.savez_compressed</c> write them.</summary>
public static class NpzArchive
{
    private const string Extension = ".npy";

    /// <summary>Reads every array in <paramref name="path"/>, keyed by entry name without ".npy", in archive order.
    /// Entries that are not .npy files are skipped, as numpy's own loader leaves them aside.</summary>
    /// <exception cref="DataFormatException">The file is not a zip archive, or an entry is not a readable .npy file
    /// (the message names the archive and the entry).</exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read);
        }
        catch (InvalidDataException error)
        {
            throw new DataFormatException(path, "zip directory", "an .npz file (a zip archive of .npy files)", error.Message);
        }

        using (zip)
        {
            var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
            foreach (var entry in zip.Entries)
            {
                if (!entry.FullName.EndsWith(Extension, StringComparison.Ordinal)) continue;
                var name = entry.FullName[..^Extension.Length];
                var source = $"{path} (entry {entry.FullName})";
                try
                {
                    using var stream = entry.Open();
                    if (!arrays.TryAdd(name, NpyReader.Read(stream, source)))
                        throw new DataFormatException(path, $"entry {entry.FullName}", "each array name once", "a second entry of that name");
                }
                catch (InvalidDataException error)
                {
                    throw new DataFormatException(source, "compressed data", "a readable zip entry", error.Message);
                }
            }
            return arrays;
        }
    }

    /// <summary>Writes <paramref name="arrays"/> to <paramref name="path"/> atomically, one <c>NAME.npy</c> entry each,
    /// deflated when <paramref name="compress"/> (np.savez_compressed) and stored otherwise (np.savez).</summary>
    public static void Write(string path, IReadOnlyDictionary<string, NpyArray> arrays, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        foreach (var name in arrays.Keys)
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("Array names in an .npz archive must not be empty.", nameof(arrays));

        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var (name, array) in arrays)
            {
                var entry = zip.CreateEntry(name + Extension, compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
                using var entryStream = entry.Open();
                NpyWriter.Write(entryStream, array);
            }
        });
    }
}
