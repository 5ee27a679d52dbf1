using System.Buffers.Binary;

namespace LayerScope.TensorBoard;

/// <summary>
/// Writes TFRecord framing: per record a little-endian uint64 length, the masked CRC-32C of those 8 bytes, the data,
/// and the masked CRC-32C of the data (all little-endian). TensorBoard's event files are TFRecords of Event protos.
/// </summary>
public sealed class TfRecordWriter(Stream stream)
{
    /// <summary>Appends one record holding <paramref name="data"/>.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        stream.Write(header);
        stream.Write(data);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));
        stream.Write(footer);
    }
}
