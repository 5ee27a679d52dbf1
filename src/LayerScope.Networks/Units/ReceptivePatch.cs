namespace LayerScope.Units;

/// <summary>The input region behind one unit: the pixels of its receptive field, cut from one example.</summary>
/// <param name="Values">[Channels, Rows, Columns] row-major; positions outside the input hold the fill value.</param>
/// <param name="Channels">Input channels.</param>
/// <param name="Rows">The field's height (rows of the patch).</param>
/// <param name="Columns">The field's width.</param>
/// <param name="Top">Input row of the patch's first row (negative when the field starts in the padding).</param>
/// <param name="Left">Input column of the patch's first column.</param>
public sealed record ReceptivePatch(float[] Values, int Channels, int Rows, int Columns, int Top, int Left)
{
    /// <summary>Cuts the receptive field of the unit at (<paramref name="row"/>, <paramref name="column"/>) out of one
    /// example <paramref name="input"/> [channels, height, width]. Positions in the padding get
    /// <paramref name="fill"/> (NaN by default, which figures draw as "missing", so padding is never mistaken for
    /// dark pixels).</summary>
    public static ReceptivePatch Extract(ReadOnlySpan<float> input, int channels, int height, int width,
        ReceptiveField rows, ReceptiveField columns, int row, int column, float fill = float.NaN)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(columns);
        if (input.Length != channels * height * width)
            throw new ArgumentException($"An input of {channels}×{height}×{width} has {channels * height * width} values, not {input.Length}.", nameof(input));
        int top = rows.FirstFor(row), left = columns.FirstFor(column);
        var values = new float[channels * rows.Size * columns.Size];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < rows.Size; y++)
                for (int x = 0; x < columns.Size; x++)
                {
                    int iy = top + y, ix = left + x;
                    values[(c * rows.Size + y) * columns.Size + x] = iy >= 0 && iy < height && ix >= 0 && ix < width
                        ? input[(c * height + iy) * width + ix] : fill;
                }
        return new ReceptivePatch(values, channels, rows.Size, columns.Size, top, left);
    }
}
