using System.Buffers.Binary;

namespace LayerScope.Rendering.Html;

/// <summary>Reads the pixel size from a PNG file's IHDR chunk, without decoding the image.</summary>
internal static class PngHeader
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Returns true and the size when <paramref name="png"/> starts with a PNG signature and an IHDR chunk.</summary>
    public static bool TryReadSize(ReadOnlySpan<byte> png, out int width, out int height)
    {
        width = height = 0;
        // signature (8) + chunk length (4) + "IHDR" (4) + width (4) + height (4)
        if (png.Length < 24 || !png[..8].SequenceEqual(Signature) || !png.Slice(12, 4).SequenceEqual("IHDR"u8)) return false;
        var w = BinaryPrimitives.ReadUInt32BigEndian(png.Slice(16, 4));
        var h = BinaryPrimitives.ReadUInt32BigEndian(png.Slice(20, 4));
        if (w == 0 || h == 0 || w > int.MaxValue || h > int.MaxValue) return false;
        width = (int)w;
        height = (int)h;
        return true;
    }
}
