using System.Buffers.Binary;
using System.Text;
using LayerScope.Storage.Npy;

namespace LayerScope.Tests.Storage.Npy;

/// <summary>Builds .npy files byte by byte, the way other writers (numpy on a big-endian machine, Fortran-order
/// arrays, format 2.0 and 3.0) lay them out, so the reader is tested without Python.</summary>
internal static class NpyBytes
{
    /// <summary>Magic, version, header length, the header dict padded with spaces to a multiple of 64 bytes and
    /// ending in a newline, then <paramref name="data"/>.</summary>
    public static byte[] File(string headerDict, byte[] data, int major = 1)
    {
        var prefix = major == 1 ? 10 : 12;
        var encoded = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(headerDict);
        var total = (prefix + encoded.Length + 1 + 63) / 64 * 64;
        var bytes = new byte[total + data.Length];
        byte[] magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        magic.CopyTo(bytes, 0);
        bytes[6] = (byte)major;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)(total - prefix));
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)(total - prefix));
        encoded.CopyTo(bytes, prefix);
        bytes.AsSpan(prefix + encoded.Length, total - prefix - encoded.Length - 1).Fill((byte)' ');
        bytes[total - 1] = (byte)'\n';
        data.CopyTo(bytes, total);
        return bytes;
    }

    public static byte[] LittleEndianFloats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    public static NpyArray ReadBytes(byte[] bytes, string name = "fixture.npy")
    {
        using var stream = new MemoryStream(bytes);
        return NpyReader.Read(stream, name);
    }
}
