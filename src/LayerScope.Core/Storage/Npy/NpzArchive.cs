using System.IO.Compression;

namespace LayerScope.Storage.Npy;

/// <summary>Reads and writes NPZ archives: a ZIP file with one NPY file per array, named KEY.npy.</summary>
public static class NpzArchive
{
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            buffer.Position = 0;
            var key = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
            arrays[key] = NpyReader.Read(buffer, $"{path}:{entry.FullName}");
        }
        return arrays;
    }

    public static void Write(string path, IReadOnlyDictionary<string, NpyArray> arrays, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var (key, array) in arrays)
            {
                var entry = zip.CreateEntry(key + ".npy", compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
                using var entryStream = entry.Open();
                NpyWriter.Write(entryStream, array);
            }
        });
    }
}
