namespace LayerScope.Rendering.PlotData;

/// <summary>A relevance map drawn over the image it explains (row 0 at the top): the image in grey, the relevance on a
/// diverging colormap centred at 0 whose opacity grows with |relevance|, so the image shows through where nothing
/// mattered. <see cref="Figures.RelevanceOverlayFigure"/> draws it.</summary>
/// <param name="Image">The input, H × W (channels averaged).</param>
/// <param name="Relevance">One value per pixel, H × W (channels summed).</param>
/// <param name="Title">Above the figure; empty for none.</param>
public sealed record RelevanceOverlayData(double[,] Image, double[,] Relevance, string Title)
{
    /// <summary>Every problem with the data (sizes that differ, an empty image).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Image.GetLength(0) == 0 || Image.GetLength(1) == 0) problems.Add($"{nameof(RelevanceOverlayData)}.{nameof(Image)} has no pixels.");
        if (Image.GetLength(0) != Relevance.GetLength(0) || Image.GetLength(1) != Relevance.GetLength(1))
            problems.Add($"{nameof(RelevanceOverlayData)}.{nameof(Relevance)} is {Relevance.GetLength(0)} × {Relevance.GetLength(1)} but the image is {Image.GetLength(0)} × {Image.GetLength(1)}; they must match.");
        return problems;
    }

    /// <summary>The largest finite |relevance| (0 when there is none): the colormap runs over ±this.</summary>
    public double Extent
    {
        get
        {
            double extent = 0;
            foreach (var v in Relevance) if (double.IsFinite(v)) extent = Math.Max(extent, Math.Abs(v));
            return extent;
        }
    }
}
