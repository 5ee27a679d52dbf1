namespace LayerScope.Rendering.PlotData;

/// <summary>A box drawn over a tile, in the tile's own cell coordinates (row 0 at the top; may reach past the tile,
/// e.g. a receptive field that starts in the padding).</summary>
public readonly record struct TileBox(int Top, int Left, int Rows, int Columns);

/// <summary>One small picture of an <see cref="ImageGridData"/>: a matrix (row 0 at the top), a short label under it,
/// an optional box, and its own coloring when it differs from the grid's (an input image beside feature maps).</summary>
public sealed record ImageTile(double[,] Values, string Label, TileBox? Box = null, TileColoring? Coloring = null);

/// <summary>How the tiles of an <see cref="ImageGridData"/> are colored.</summary>
public enum TileColoring
{
    /// <summary>Grey levels over a fixed range (images: 0 black, 1 white), equal for every tile.</summary>
    Grey,

    /// <summary>Viridis over each tile's own range (feature maps: a weak channel would otherwise be all dark).</summary>
    HeatPerTile,

    /// <summary>A diverging map (blue, white at 0, red) over ± each tile's largest |value| (relevance maps: white is
    /// "no influence" on every tile).</summary>
    Diverging,
}

/// <summary>Many small pictures in a grid, row by row: the feature maps of a layer, the top images of a channel,
/// synthesized inputs. <see cref="Figures.ImageGridFigure"/> draws it.</summary>
/// <param name="Title">Above the grid; empty for none.</param>
/// <param name="Tiles">The pictures, in reading order.</param>
/// <param name="Columns">Tiles per row.</param>
public sealed record ImageGridData(string Title, IReadOnlyList<ImageTile> Tiles, int Columns)
{
    /// <summary>How values become colors.</summary>
    public TileColoring Coloring { get; init; } = TileColoring.Grey;

    /// <summary>The range of <see cref="TileColoring.Grey"/>.</summary>
    public (double Minimum, double Maximum) GreyRange { get; init; } = (0, 1);

    /// <summary>Rows of tiles.</summary>
    public int Rows => Columns < 1 ? 0 : (Tiles.Count + Columns - 1) / Columns;

    /// <summary>Every problem with the data (no columns, a tile without cells).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Columns < 1) problems.Add($"{nameof(ImageGridData)}.{nameof(Columns)} is {Columns}; it must be at least 1.");
        for (int i = 0; i < Tiles.Count; i++)
            if (Tiles[i].Values.GetLength(0) == 0 || Tiles[i].Values.GetLength(1) == 0) problems.Add($"{nameof(ImageGridData)}.{nameof(Tiles)}[{i}] has no cells.");
        if (!(GreyRange.Minimum < GreyRange.Maximum)) problems.Add($"{nameof(ImageGridData)}.{nameof(GreyRange)} must have its minimum below its maximum.");
        return problems;
    }

    /// <summary>A tile from an image stored row-major (<paramref name="rows"/> × <paramref name="columns"/>).</summary>
    public static double[,] Matrix(ReadOnlySpan<float> values, int rows, int columns)
    {
        if (values.Length != rows * columns) throw new ArgumentException($"{rows}×{columns} cells need {rows * columns} values, not {values.Length}.", nameof(values));
        var matrix = new double[rows, columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) matrix[r, c] = values[r * columns + c];
        return matrix;
    }
}
