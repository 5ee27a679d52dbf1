namespace LayerScope.Storage.Npy;

/// <summary>
/// Writes an .npy file row by row, for results larger than memory: every row has the same trailing shape and the
/// first dimension grows with each <see cref="Append{T}"/>. The rows go to a temporary file beside the target; only
/// <see cref="Complete"/> writes the final row count into the header and renames the file into place, so the target
/// never holds a partial result.
/// </summary>
public sealed class NpyAppendWriter : IDisposable
{
    private readonly string _path;
    private readonly string _temporaryPath;
    private readonly NpyElementType _elementType;
    private readonly long[] _trailingShape;
    private readonly long _rowSize;
    private readonly int _headerLength;
    private FileStream? _stream;
    private bool _completed;

    /// <summary>Starts a file of <paramref name="elementType"/> rows shaped <paramref name="trailingShape"/> (none: a
    /// 1-D array of single values).</summary>
    /// <exception cref="ArgumentException">A trailing dimension is not positive.</exception>
    public NpyAppendWriter(string path, NpyElementType elementType, params long[] trailingShape)
    {
        ArgumentNullException.ThrowIfNull(trailingShape);
        _rowSize = 1;
        foreach (var dimension in trailingShape)
        {
            // A zero-sized row would make every Append count as any number of rows.
            if (dimension <= 0)
                throw new ArgumentException($"Trailing shape {NpyElementTypes.FormatShape(trailingShape)} must have positive dimensions.", nameof(trailingShape));
            _rowSize = checked(_rowSize * dimension);
        }

        _path = Path.GetFullPath(path);
        _elementType = elementType;
        _trailingShape = (long[])trailingShape.Clone();
        var folder = Path.GetDirectoryName(_path)!;
        Directory.CreateDirectory(folder);
        OutputTemporaries.CleanStale(folder);
        _temporaryPath = OutputTemporaries.Beside(_path, OutputTemporaries.FileKind);

        // Reserve room for the largest row count (19 digits), so the final header has the same length as this one.
        _headerLength = NpyHeaderText.Encode(elementType, ShapeWithRows(long.MaxValue)).Length;
        _stream = new FileStream(_temporaryPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        _stream.Write(NpyHeaderText.Encode(elementType, ShapeWithRows(0), _headerLength));
    }

    /// <summary>Rows appended so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Appends whole rows. <typeparamref name="T"/> must be the element type's .NET type (float for
    /// Float32) and the length a multiple of the row size (the product of the trailing shape).</summary>
    public void Append<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var stream = OpenStream();
        if (typeof(T) != NpyElementTypes.ClrType(_elementType))
            throw new ArgumentException(
                $"This file holds {NpyElementTypes.NumpyName(_elementType)} ({NpyElementTypes.ClrType(_elementType).Name}) elements, not {typeof(T).Name}.",
                nameof(values));
        if (values.Length % _rowSize != 0)
            throw new ArgumentException(
                $"{values.Length} values are not whole rows of {_rowSize} (trailing shape {NpyElementTypes.FormatShape(_trailingShape)}).",
                nameof(values));
        NpyElements.Write(stream, values);
        Rows += values.Length / _rowSize;
    }

    /// <summary>Writes the final header and renames the file to its path, replacing any file there.</summary>
    public void Complete()
    {
        var stream = OpenStream();
        stream.Flush();
        stream.Position = 0;
        stream.Write(NpyHeaderText.Encode(_elementType, ShapeWithRows(Rows), _headerLength));
        stream.Flush(flushToDisk: true);
        stream.Dispose();
        _stream = null;
        File.Move(_temporaryPath, _path, overwrite: true);
        _completed = true;
    }

    /// <summary>Closes the file. Without <see cref="Complete"/>, the temporary file is deleted and the path is left as
    /// it was.</summary>
    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
        if (_completed) return;
        try { File.Delete(_temporaryPath); }
        catch (IOException) { /* best effort: the next write into this folder removes it */ }
        catch (UnauthorizedAccessException) { }
    }

    private FileStream OpenStream()
    {
        if (_completed) throw new InvalidOperationException($"{_path} is already complete.");
        return _stream ?? throw new ObjectDisposedException(nameof(NpyAppendWriter));
    }

    private long[] ShapeWithRows(long rows) => [rows, .. _trailingShape];
}
