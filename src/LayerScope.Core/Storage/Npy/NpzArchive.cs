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
        IReadOnlyList<ZipArchiveEntry> entries;
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read);
            // The central directory is read on first access to Entries, so its errors surface here, not in the constructor.
            try
            {
                entries = zip.Entries;
            }
            catch
            {
                zip.Dispose();
                throw;
            }
        }
        catch (InvalidDataException error)
        {
            throw new DataFormatException(path, "zip directory", "an .npz file (a zip archive of .npy files)", error.Message);
        }

        using (zip)
        {
            var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                if (!entry.FullName.EndsWith(Extension, StringComparison.Ordinal)) continue;
                var name = entry.FullName[..^Extension.Length];
                CheckEntryName(path, entry.FullName);
                var source = $"{path} (entry {entry.FullName})";
                try
                {
                    using var stream = new Crc32ReadStream(entry.Open());
                    var array = NpyReader.Read(stream, source, header => CheckDeclaredSize(path, entry, header));
                    // The data must end where the shape says, and the bytes must be the ones the zip recorded; one
                    // byte more is enough to tell, so an entry that inflates far past its shape is never read whole.
                    if (stream.ReadByte() >= 0)
                        throw new DataFormatException(path, $"entry {entry.FullName}", $"{entry.Length} bytes, as the zip directory and the .npy header's shape say",
                            "more data after the array (the entry is corrupt)");
                    if (stream.Checksum != entry.Crc32)
                        throw new DataFormatException(path, $"entry {entry.FullName}", $"CRC-32 {entry.Crc32:x8}, as the zip directory records",
                            $"{stream.Checksum:x8} (the entry's data is corrupt)");
                    if (!arrays.TryAdd(name, array))
                        throw new DataFormatException(path, $"entry {entry.FullName}", "each array name once", "a second entry of that name");
                }
                catch (Exception error) when (error is InvalidDataException or NotSupportedException)
                {
                    // NotSupportedException: a compression method other than stored or deflate (numpy writes only those).
                    throw new DataFormatException(source, "compressed data", "a readable zip entry, stored or deflated", error.Message);
                }
            }
            return arrays;
        }
    }

    /// <summary>Entry names become array names (and, for numpy, attribute names and sometimes file names): an empty
    /// name, an absolute one or one with a '.' or '..' segment is what a crafted archive uses to escape a folder.</summary>
    private static void CheckEntryName(string path, string fullName)
    {
        const string expected = "an entry name such as 'x.npy' or 'group/x.npy' (no empty, '.' or '..' parts)";
        var stem = fullName[..^Extension.Length];
        if (stem.Length == 0 || fullName.Contains('\\') || stem.Split('/').Any(part => part is "" or "." or ".."))
            throw new DataFormatException(path, "entry name", expected, $"'{fullName}'");
    }

    /// <summary>The zip directory's uncompressed size must be exactly the .npy header plus the data its shape needs;
    /// checked before any data is allocated or inflated, so a tiny archive cannot claim or inflate to gigabytes.</summary>
    private static void CheckDeclaredSize(string path, ZipArchiveEntry entry, NpyHeader header)
    {
        // Subtracted rather than added: the data size alone may be near 2**63.
        if (entry.Length - header.DataOffset != header.DataBytes)
            throw new DataFormatException(path, $"entry {entry.FullName}",
                $"{header.DataOffset} header bytes and {header.DataBytes} data bytes for shape {NpyElementTypes.FormatShape(header.Shape)}",
                $"{entry.Length} bytes declared by the zip directory");
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
