using LayerScope.Reduction.Neighbors;
using LayerScope.Reduction.Pca;

namespace LayerScope.Reduction.Umap;

/// <summary>Places new points into a fitted UMAP layout (umap-learn's <c>transform</c>): memberships to their nearest
/// fitted points, a start at the membership-weighted mean of those points, then SGD of the new points only against
/// the fixed layout.</summary>
internal static class UmapTransform
{
    /// <summary>Places <paramref name="points"/> against <paramref name="n"/> fitted points held in
    /// <paramref name="index"/> (after <paramref name="pca"/>, if any) at <paramref name="reference"/> (N × dims).</summary>
    public static DenseMatrix Place(IKnnIndex index, PcaResult? pca, float[] reference, int n, UmapOptions options, double curveA, double curveB,
        DenseMatrix points, int? epochs)
    {
        var reduced = pca?.Transform(points, options.Threads) ?? points;
        int m = points.Rows, dims = options.Dimensions;
        int k = Math.Min(n, options.Neighbors);
        var graph = index.Query(reduced, k);
        // Fitted graphs exclude the point itself, so k neighbours here count like k + 1 there; the difference only
        // sharpens the memberships slightly.
        var memberships = FuzzySimplicialSet.Memberships(graph, options.Threads);
        var positions = new float[m * dims];
        for (int i = 0; i < m; i++)
        {
            double total = 0;
            for (int c = 0; c < k; c++) total += memberships[i * k + c];
            for (int c = 0; c < k; c++)
            {
                int j = graph.Indices[i * k + c];
                double w = total > 0 ? memberships[i * k + c] / total : 1.0 / k;
                for (int a = 0; a < dims; a++) positions[i * dims + a] += (float)(w * reference[j * dims + a]);
            }
        }
        // A third of umap-learn's fit schedule (500 epochs up to 10,000 points, 200 above), the placement measured in
        // bench/RESULTS.md; independent of this library's own fit default.
        int rounds = epochs ?? Math.Max(1, (options.Epochs ?? (n <= 10_000 ? 500 : 200)) / 3);
        var offsets = Enumerable.Range(0, m + 1).Select(i => i * k).ToArray();
        var perSample = UmapLayoutOptimizer.EpochsPerSample(memberships, rounds);
        var optimizer = new UmapLayoutOptimizer(offsets, graph.Indices, perSample, curveA, curveB, options.RepulsionStrength,
            options.NegativeSampleRate, dims, options.Seed, options.Threads);
        optimizer.Run(positions, reference, n, 0, rounds, rounds, options.LearningRate / 4, null, default);
        return new DenseMatrix(positions, m, dims);
    }
}
