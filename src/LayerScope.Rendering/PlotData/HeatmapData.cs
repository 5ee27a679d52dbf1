namespace LayerScope.Rendering.PlotData;

/// <summary>A matrix drawn as colored cells: for example activations (rows = units, columns = time steps) or a
/// confusion matrix. Row 0 is drawn at the top. <see cref="Figures.HeatmapFigure"/> draws it.</summary>
public sealed record HeatmapData
{
    /// <summary>Creates the data. <paramref name="values"/> is rows x columns and is kept, not copied. Tick labels,
    /// when given, need one entry per row or column.</summary>
    /// <exception cref="ArgumentException">A tick-label list has the wrong length.</exception>
    public HeatmapData(
        double[,] values,
        string title,
        string rowLabel,
        string columnLabel,
        string colorbarLabel,
        IReadOnlyList<string>? rowTickLabels = null,
        IReadOnlyList<string>? columnTickLabels = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(rowLabel);
        ArgumentNullException.ThrowIfNull(columnLabel);
        ArgumentNullException.ThrowIfNull(colorbarLabel);
        int rows = values.GetLength(0), columns = values.GetLength(1);
        if (rowTickLabels is not null && rowTickLabels.Count != rows)
            throw new ArgumentException($"There are {rows} rows but {rowTickLabels.Count} row tick labels; they must match.", nameof(rowTickLabels));
        if (columnTickLabels is not null && columnTickLabels.Count != columns)
            throw new ArgumentException($"There are {columns} columns but {columnTickLabels.Count} column tick labels; they must match.", nameof(columnTickLabels));
        Values = values;
        Title = title;
        RowLabel = rowLabel;
        ColumnLabel = columnLabel;
        ColorbarLabel = colorbarLabel;
        RowTickLabels = rowTickLabels;
        ColumnTickLabels = columnTickLabels;
    }

    /// <summary>The cell values, rows x columns. Non-finite cells are drawn in a neutral "missing" color.</summary>
    public double[,] Values { get; }

    /// <summary>Title drawn above the plot; empty for none.</summary>
    public string Title { get; }

    /// <summary>Label of the vertical (row) axis.</summary>
    public string RowLabel { get; }

    /// <summary>Label of the horizontal (column) axis.</summary>
    public string ColumnLabel { get; }

    /// <summary>Label of the colorbar (what a cell's color means, with units).</summary>
    public string ColorbarLabel { get; }

    /// <summary>One label per row (top to bottom), or null for row indices.</summary>
    public IReadOnlyList<string>? RowTickLabels { get; }

    /// <summary>One label per column (left to right), or null for column indices.</summary>
    public IReadOnlyList<string>? ColumnTickLabels { get; }

    /// <summary>How values map to colors: one range for the whole matrix (default), or each row over its own range,
    /// so a row that moves between ±0.5 is as readable as one that reaches ±60. With <see cref="HeatmapScaling.PerRow"/>
    /// the figure says so on the colorbar and gives each row's range beside its tick label.</summary>
    public HeatmapScaling Scaling { get; init; } = HeatmapScaling.Shared;

    /// <summary>The number of rows.</summary>
    public int Rows => Values.GetLength(0);

    /// <summary>The number of columns.</summary>
    public int Columns => Values.GetLength(1);
}
