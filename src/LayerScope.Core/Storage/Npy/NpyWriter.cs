namespace LayerScope.Storage.Npy;

/// <summary>Writes NPY files (version 1.0, little-endian, C order).</summary>
public static class NpyWriter
{
    public static void Write(string path, NpyArray a) => AtomicFile.Write(path, stream => Write(stream, a));

    public static void Write(Stream stream, NpyArray a)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(a);
        stream.Write(NpyFormat.EncodeHeader(a.ElementType, a.Shape));
        stream.Write(NpyReader.AsBytes(a.Data));
    }
}
