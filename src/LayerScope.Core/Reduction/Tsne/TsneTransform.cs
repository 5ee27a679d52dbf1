using LayerScope.Reduction.Neighbors;
using LayerScope.Reduction.Pca;

namespace LayerScope.Reduction.Tsne;

/// <summary>
/// Places new points into a fitted embedding (openTSNE's <c>prepare_partial</c> + <c>optimize</c>): the fitted points
/// stay fixed; each new point i has affinities p_j|i to its nearest fitted points, starts at Σ_j p_j|i y_j, and
/// descends the gradient of its own KL divergence KL(p_·|i ‖ q_·|i) with q_j|i = w_ij / Σ_j w_ij over the fitted points.
/// </summary>
internal static class TsneTransform
{
    public static DenseMatrix Place(TsneEmbedding embedding, DenseMatrix points, int iterations, double perplexity) =>
        Place(embedding.Index!, embedding.Pca, embedding.RawPositions, embedding.Options, points, iterations, perplexity);

    /// <summary>Places <paramref name="points"/> against fitted points held in <paramref name="index"/> (after
    /// <paramref name="pca"/>, if any) whose positions are <paramref name="reference"/> (N × dims, row-major).</summary>
    public static DenseMatrix Place(IKnnIndex index, PcaResult? pca, double[] reference, TsneOptions options, DenseMatrix points, int iterations, double perplexity)
    {
        int dims = options.Dimensions, n = reference.Length / dims, m = points.Rows;
        var reduced = pca?.Transform(points, options.Threads) ?? points;
        if (reduced.Columns != index.Data.Columns)
            throw new ArgumentException($"The new points have {points.Columns} columns; the embedding was fitted on {(pca?.Mean.Length ?? index.Data.Columns)}.", nameof(points));
        int k = Math.Min(n, Math.Max(1, (int)Math.Floor(3 * perplexity)));
        perplexity = Math.Min(perplexity, k * 0.9);
        var graph = index.Query(reduced, k);
        var p = PerplexityAffinities.ConditionalRows(graph, perplexity, options.Threads);

        var y = new double[m * dims];
        for (int i = 0; i < m; i++)
            for (int c = 0; c < k; c++)
            {
                int j = graph.Indices[i * k + c];
                for (int a = 0; a < dims; a++) y[i * dims + a] += p[i * k + c] * reference[j * dims + a];
            }

        var repulsion = new BarnesHutRepulsion(dims, options.Theta, options.Threads);
        var forces = new double[m * dims];
        var sums = new double[m];
        var update = new double[m * dims];
        var gains = Enumerable.Repeat(1.0, m * dims).ToArray();
        const double learningRate = 1, momentum = 0.5;
        for (int t = 0; t < iterations; t++)
        {
            repulsion.ComputeExternal(reference, n, y, m, forces, sums);
            ReductionThreads.ForChunks(m, 256, options.Threads, (_, start, end) =>
            {
                Span<double> attraction = stackalloc double[3];
                for (int i = start; i < end; i++)
                {
                    attraction.Clear();
                    for (int c = 0; c < k; c++)
                    {
                        int j = graph.Indices[i * k + c];
                        double d2 = 0;
                        for (int a = 0; a < dims; a++) { double diff = y[i * dims + a] - reference[j * dims + a]; d2 += diff * diff; }
                        double w = p[i * k + c] / (1 + d2);
                        for (int a = 0; a < dims; a++) attraction[a] += w * (y[i * dims + a] - reference[j * dims + a]);
                    }
                    for (int a = 0; a < dims; a++)
                    {
                        int c = i * dims + a;
                        double g = 4 * (attraction[a] - forces[c] / sums[i]);
                        double gain = g * update[c] < 0 ? gains[c] + 0.2 : gains[c] * 0.8;
                        gains[c] = Math.Max(gain, 0.01);
                        update[c] = momentum * update[c] - learningRate * gains[c] * g;
                        y[c] += update[c];
                    }
                }
            });
        }
        return DenseMatrix.FromDoubles(y, m, dims);
    }
}
