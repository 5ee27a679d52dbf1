using LayerScope.Errors;

namespace LayerScope.Reduction;

/// <summary>
/// A dense row-major matrix of 32-bit floats: the input of every reduction (one row per point) and the shape of every
/// embedding. The values are not copied: the matrix wraps the array it is given, so a million rows of activations
/// are held once.
/// </summary>
public sealed class DenseMatrix
{
    /// <summary>Wraps <paramref name="values"/> (row-major, <paramref name="rows"/> × <paramref name="columns"/>).</summary>
    public DenseMatrix(float[] values, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if ((long)rows * columns != values.LongLength)
            throw new ArgumentException($"A {rows} × {columns} matrix needs {(long)rows * columns} values; {values.LongLength} were given.", nameof(values));
        Values = values;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The values, row after row.</summary>
    public float[] Values { get; }

    /// <summary>The number of rows (points).</summary>
    public int Rows { get; }

    /// <summary>The number of columns (dimensions).</summary>
    public int Columns { get; }

    /// <summary>The value at <paramref name="row"/>, <paramref name="column"/>.</summary>
    public float this[int row, int column]
    {
        get => Values[(long)row * Columns + column];
        set => Values[(long)row * Columns + column] = value;
    }

    /// <summary>One row as a span over the shared values.</summary>
    public Span<float> Row(int row) => Values.AsSpan().Slice(checked((int)((long)row * Columns)), Columns);

    /// <summary>A matrix of zeros.</summary>
    public static DenseMatrix Zeros(int rows, int columns) => new(new float[(long)rows * columns], rows, columns);

    /// <summary>Copies <paramref name="values"/> (row-major doubles) into a new float matrix.</summary>
    public static DenseMatrix FromDoubles(ReadOnlySpan<double> values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = (float)values[i];
        return new DenseMatrix(result, rows, columns);
    }

    /// <summary>A new matrix holding copies of the rows <paramref name="rows"/>, in that order.</summary>
    public DenseMatrix SelectRows(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var result = new float[(long)rows.Count * Columns];
        for (int i = 0; i < rows.Count; i++)
            Row(rows[i]).CopyTo(result.AsSpan(i * Columns, Columns));
        return new DenseMatrix(result, rows.Count, Columns);
    }

    /// <summary>The values as doubles (a copy).</summary>
    public double[] ToDoubles()
    {
        var result = new double[Values.Length];
        for (int i = 0; i < result.Length; i++) result[i] = Values[i];
        return result;
    }

    /// <summary>Throws a <see cref="DataFormatException"/> naming the first NaN or infinite value, if any.</summary>
    /// <param name="source">What the matrix is, for the message (a file name, "X").</param>
    public void EnsureFinite(string source = "input")
    {
        long bad = -1;
        var values = Values;
        int chunks = Math.Max(1, (int)Math.Min(256, values.LongLength / 65536));
        long chunkLength = (values.LongLength + chunks - 1) / chunks;
        var firstBad = new long[chunks];
        Parallel.For(0, chunks, c =>
        {
            firstBad[c] = -1;
            long end = Math.Min(values.LongLength, (c + 1) * chunkLength);
            for (long i = c * chunkLength; i < end; i++)
            {
                if (!float.IsFinite(values[i])) { firstBad[c] = i; return; }
            }
        });
        foreach (long b in firstBad)
        {
            if (b >= 0) { bad = b; break; }
        }
        if (bad < 0) return;
        long row = bad / Math.Max(1, Columns), column = bad % Math.Max(1, Columns);
        throw new DataFormatException(source, $"row {row}, column {column}", "a finite number", values[bad].ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
