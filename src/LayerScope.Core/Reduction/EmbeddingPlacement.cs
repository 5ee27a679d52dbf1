using LayerScope.Errors;
using LayerScope.Reduction.Neighbors;
using LayerScope.Reduction.Pca;
using LayerScope.Reduction.Tsne;
using LayerScope.Reduction.Umap;

namespace LayerScope.Reduction;

/// <summary>
/// Places new points into an embedding fitted earlier, from what a run keeps of it: the fitted input points and
/// their positions. The fitted points do not move; each new point is placed against its nearest fitted points
/// (t-SNE: openTSNE's transform; UMAP: umap-learn's). So a large set can be embedded by fitting a sample and placing
/// the rest, in pieces and in parallel.
/// </summary>
public static class EmbeddingPlacement
{
    /// <summary>Places <paramref name="points"/> into a t-SNE embedding of <paramref name="fittedPoints"/> at
    /// <paramref name="fittedPositions"/>, with <paramref name="options"/>' PCA, metric, neighbour search and threads.</summary>
    /// <param name="fittedPoints">The fitted input points (N × D).</param>
    /// <param name="fittedPositions">Their positions in the embedding (N × dims).</param>
    /// <param name="points">The new points (M × D).</param>
    /// <param name="options">The fit's settings.</param>
    /// <param name="iterations">Optimisation steps of the new points.</param>
    /// <param name="perplexity">Perplexity of the new points' affinities; 5 (openTSNE's) keeps them local.</param>
    /// <exception cref="InvalidSettingsException">The shapes disagree.</exception>
    public static DenseMatrix PlaceTsne(DenseMatrix fittedPoints, DenseMatrix fittedPositions, DenseMatrix points, TsneOptions? options = null,
        int iterations = 100, double perplexity = 5)
    {
        options ??= new TsneOptions();
        Validate(fittedPoints, fittedPositions, points);
        options = options with { Dimensions = fittedPositions.Columns };
        var (pca, index) = Index(fittedPoints, options.PcaComponents, options.Neighbors, options.Metric, options.Seed, options.Threads);
        return TsneTransform.Place(index, pca, fittedPositions.ToDoubles(), options, points, iterations, perplexity);
    }

    /// <summary>Places <paramref name="points"/> into a UMAP layout of <paramref name="fittedPoints"/> at
    /// <paramref name="fittedPositions"/>, with <paramref name="options"/>' neighbours, curve, PCA and threads.</summary>
    /// <param name="fittedPoints">The fitted input points (N × D).</param>
    /// <param name="fittedPositions">Their positions in the embedding (N × dims).</param>
    /// <param name="points">The new points (M × D).</param>
    /// <param name="options">The fit's settings.</param>
    /// <param name="epochs">SGD epochs of the new points; null: a third of a fit's.</param>
    /// <exception cref="InvalidSettingsException">The shapes disagree.</exception>
    public static DenseMatrix PlaceUmap(DenseMatrix fittedPoints, DenseMatrix fittedPositions, DenseMatrix points, UmapOptions? options = null,
        int? epochs = null)
    {
        options ??= new UmapOptions();
        Validate(fittedPoints, fittedPositions, points);
        options = options with { Dimensions = fittedPositions.Columns };
        var (pca, index) = Index(fittedPoints, options.PcaComponents, options.KnnMethodFor(fittedPoints.Rows), options.Metric, options.Seed, options.Threads);
        var (a, b) = UmapCurve.Fit(options.MinDist, options.Spread);
        return UmapTransform.Place(index, pca, fittedPositions.Values, fittedPoints.Rows, options, a, b, points, epochs);
    }

    private static void Validate(DenseMatrix fittedPoints, DenseMatrix fittedPositions, DenseMatrix points)
    {
        ArgumentNullException.ThrowIfNull(fittedPoints);
        ArgumentNullException.ThrowIfNull(fittedPositions);
        ArgumentNullException.ThrowIfNull(points);
        var problems = new List<string>();
        if (fittedPositions.Rows != fittedPoints.Rows)
            problems.Add($"fittedPositions has {fittedPositions.Rows} rows; it must have one per fitted point ({fittedPoints.Rows}).");
        if (fittedPositions.Columns is < 1 or > 3)
            problems.Add($"fittedPositions has {fittedPositions.Columns} columns; an embedding has 1 to 3.");
        if (points.Columns != fittedPoints.Columns)
            problems.Add($"the new points have {points.Columns} columns; the fitted points have {fittedPoints.Columns}.");
        if (fittedPoints.Rows < 2)
            problems.Add($"there are {fittedPoints.Rows} fitted points; placing needs at least 2.");
        InvalidSettingsException.ThrowIfAny(problems);
        fittedPoints.EnsureFinite("fitted points");
        fittedPositions.EnsureFinite("fitted positions");
        points.EnsureFinite("new points");
    }

    private static (PcaResult? Pca, IKnnIndex Index) Index(DenseMatrix fittedPoints, int pcaComponents, KnnMethod method, DistanceMetric metric, int seed, int threads)
    {
        // The same PCA a fit with these settings makes (deterministic for the seed), so distances match the fit's.
        var (pca, data) = PcaReducer.ReduceIfWider(fittedPoints, pcaComponents, seed, threads);
        return (pca, KnnSearch.CreateIndex(data, method, metric, seed, threads));
    }
}
