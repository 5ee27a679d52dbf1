using System.Globalization;
using LayerScope.Reduction;

namespace LayerScope.Rendering.PlotData;

/// <summary>
/// Turns an embedding (N × 2 or N × 3) and optional integer labels into <see cref="ScatterPlotData"/>: the first two
/// coordinates, one class per label value (labels below zero are drawn as "missing"), and a marker size that keeps
/// dense plots readable. Shared by <c>embed --plot</c> and <c>inspect</c>.
/// </summary>
public static class EmbeddingScatter
{
    /// <summary>The scatter of <paramref name="embedding"/> colored by <paramref name="labels"/> (or one class
    /// "point" when null). <paramref name="classNames"/> name the label values 0, 1, ...; when null or too short the
    /// values themselves are the names.</summary>
    /// <exception cref="ArgumentException">The embedding has fewer than two columns, or labels and rows differ.</exception>
    public static ScatterPlotData Create(DenseMatrix embedding, int[]? labels = null, IReadOnlyList<string>? classNames = null, string title = "", string axisName = "dimension")
    {
        ArgumentNullException.ThrowIfNull(embedding);
        if (embedding.Columns < 2)
            throw new ArgumentException($"A scatter needs at least two embedding columns; this embedding has {embedding.Columns}.", nameof(embedding));
        if (labels is not null && labels.Length != embedding.Rows)
            throw new ArgumentException($"There are {labels.Length} labels for {embedding.Rows} points.", nameof(labels));
        int n = embedding.Rows;
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++) { x[i] = embedding[i, 0]; y[i] = embedding[i, 1]; }

        int[] classes;
        List<string> names;
        if (labels is null)
        {
            classes = new int[n];
            names = ["point"];
        }
        else
        {
            int count = labels.Length == 0 ? 0 : Math.Max(0, labels.Max() + 1);
            bool missing = labels.Any(l => l < 0);
            names = Enumerable.Range(0, count)
                .Select(c => classNames is not null && c < classNames.Count ? classNames[c] : c.ToString(CultureInfo.InvariantCulture))
                .ToList();
            if (missing) names.Add("missing");
            classes = labels.Select(l => l < 0 ? count : l).ToArray();
        }
        string suffix = embedding.Columns > 2 ? $" (first 2 of {embedding.Columns} dimensions)" : "";
        return new ScatterPlotData(x, y, classes, names)
        {
            Title = title + suffix,
            XLabel = $"{axisName} 1",
            YLabel = $"{axisName} 2",
            PointSize = PointSizeFor(n),
        };
    }

    /// <summary>Marker size in pixels: smaller markers as the points get denser.</summary>
    public static float PointSizeFor(int points) => points > 100_000 ? 1 : points > 20_000 ? 2 : points > 2_000 ? 3 : 5;
}
