using System.Runtime.InteropServices;

namespace LayerScope.Storage.Npy;

/// <summary>Writes an NPY file row by row, so its size is bounded by disk, not memory. The header reserves room for
/// the row count and is rewritten by <see cref="Complete"/>.</summary>
public sealed class NpyAppendWriter : IDisposable
{
    // Room for a 20-digit row count in any shape: the header is rewritten in place once the count is known.
    private const int ReservedHeaderBytes = 192;

    private readonly FileStream _stream;
    private readonly NpyElementType _elementType;
    private readonly long[] _trailingShape;
    private readonly long _rowLength;
    private readonly int _headerLength;
    private long _values;
    private bool _completed;

    public NpyAppendWriter(string path, NpyElementType t, params long[] trailingShape)
    {
        ArgumentNullException.ThrowIfNull(trailingShape);
        _elementType = t;
        _trailingShape = (long[])trailingShape.Clone();
        _rowLength = 1;
        foreach (var d in trailingShape) _rowLength *= d;
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        var header = NpyFormat.EncodeHeader(t, [0, .. _trailingShape], ReservedHeaderBytes);
        _headerLength = header.Length;
        _stream.Write(header);
    }

    /// <summary>Rows written so far.</summary>
    public long Rows => _rowLength == 0 ? 0 : _values / _rowLength;

    public void Append<T>(ReadOnlySpan<T> values) where T : struct
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (NpyFormat.ElementTypeOf(typeof(T)) != _elementType)
            throw new ArgumentException($"The file holds {_elementType}, not {typeof(T).Name}.", nameof(values));
        if (_rowLength > 0 && values.Length % _rowLength != 0)
            throw new ArgumentException($"{values.Length} values are not whole rows of {_rowLength}.", nameof(values));
        _stream.Write(MemoryMarshal.AsBytes(values));
        _values += values.Length;
    }

    public void Complete()
    {
        if (_completed) return;
        var header = NpyFormat.EncodeHeader(_elementType, [Rows, .. _trailingShape], _headerLength);
        if (header.Length != _headerLength) throw new InvalidOperationException("The NPY header outgrew its reserved space.");
        _stream.Flush();
        _stream.Position = 0;
        _stream.Write(header);
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        _completed = true;
    }

    public void Dispose()
    {
        if (!_completed) _stream.Dispose();
        _completed = true;
    }
}
