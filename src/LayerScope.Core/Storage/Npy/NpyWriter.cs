namespace LayerScope.Storage.Npy;

/// <summary>Writes numpy .npy files: format version 1.0 (2.0 when the header needs more than 64 KiB), little endian,
/// C order, the data aligned to 64 bytes as numpy writes it.</summary>
public static class NpyWriter
{
    /// <summary>Writes <paramref name="array"/> to <paramref name="path"/> atomically: readers see the old file or the
    /// complete new one.</summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        AtomicFile.Write(path, stream => Write(stream, array));
    }

    /// <summary>Writes <paramref name="array"/> to <paramref name="path"/> as float32, atomically.</summary>
    public static void Write(string path, Arrays.Float32Array array) => Write(path, NpyArray.From(array));

    /// <summary>Writes <paramref name="array"/> as .npy content at the stream's current position.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        stream.Write(NpyHeaderText.Encode(array.ElementType, array.ShapeView));
        NpyElements.Write(stream, array);
    }
}
