using System.Buffers.Binary;
using System.Text;

namespace LayerScope.Storage.Npy;

/// <summary>Builds the bytes of an .npy header the way numpy does: magic, version, length, then the dict padded with
/// spaces and a final newline so the data starts at a multiple of 64 bytes.</summary>
internal static class NpyHeaderText
{
    /// <summary>\x93NUMPY. (Not a u8 literal: that would encode \x93 as two UTF-8 bytes.)</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private const int Alignment = 64;
    private const int Version1Prefix = 10; // magic (6), version (2), header length as u16
    private const int Version2Prefix = 12; // ... header length as u32

    /// <summary>The header for little-endian, C-order data of <paramref name="shape"/>. Version 1.0 unless the header
    /// needs more than 65535 bytes, then 2.0.</summary>
    /// <param name="elementType">The element type.</param>
    /// <param name="shape">The shape to write.</param>
    /// <param name="reservedLength">When larger than needed, the header is padded to exactly this many bytes (a
    /// multiple of 64), so a later header with a longer shape fits in the same room.</param>
    public static byte[] Encode(NpyElementType elementType, IReadOnlyList<long> shape, int reservedLength = 0)
    {
        var dict = $"{{'descr': '{NpyElementTypes.Descr(elementType)}', 'fortran_order': False, 'shape': {NpyElementTypes.FormatShape(shape)}, }}";
        var needed = dict.Length + 1; // the dict is ASCII; +1 for the final '\n'
        var total = AlignUp(Version1Prefix + needed);
        if (total - Version1Prefix > ushort.MaxValue) total = AlignUp(Version2Prefix + needed);
        if (reservedLength > total)
        {
            if (reservedLength % Alignment != 0) throw new ArgumentException("The reserved length must be a multiple of 64.", nameof(reservedLength));
            total = reservedLength;
        }
        var version1 = total - Version1Prefix <= ushort.MaxValue;
        var prefix = version1 ? Version1Prefix : Version2Prefix;

        var bytes = new byte[total];
        Magic.CopyTo(bytes);
        bytes[6] = version1 ? (byte)1 : (byte)2;
        bytes[7] = 0;
        if (version1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)(total - prefix));
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)(total - prefix));
        var written = Encoding.ASCII.GetBytes(dict, bytes.AsSpan(prefix));
        bytes.AsSpan(prefix + written, total - prefix - written - 1).Fill((byte)' ');
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    private static int AlignUp(int length) => (length + Alignment - 1) / Alignment * Alignment;
}
