using System.IO.Hashing;

namespace LayerScope.Storage.Npy;

/// <summary>Passes reads through and keeps the CRC-32 (the zip checksum) of every byte read, so an archive entry can be
/// checked against the checksum its directory records while it is parsed, without a second pass.</summary>
internal sealed class Crc32ReadStream(Stream inner) : Stream
{
    private readonly Crc32 _crc = new();

    /// <summary>The CRC-32 of the bytes read so far.</summary>
    public uint Checksum => _crc.GetCurrentHashAsUInt32();

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        _crc.Append(buffer[..read]);
        BytesRead += read;
        return read;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
