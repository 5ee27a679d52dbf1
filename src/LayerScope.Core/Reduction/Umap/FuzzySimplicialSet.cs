using LayerScope.Reduction.Neighbors;

namespace LayerScope.Reduction.Umap;

/// <summary>
/// UMAP's graph from k nearest neighbours: each point's distances are shifted by the distance ρ_i to its nearest
/// neighbour and scaled by σ_i, found by binary search so that Σ_j exp(−(d_ij − ρ_i)/σ_i) = log₂(k + 1) over its k
/// other neighbours (umap-learn's n_neighbors = k + 1 counts the point itself in the target but not in the sum); the directed
/// memberships are then combined by the fuzzy union A + Aᵀ − A∘Aᵀ.
/// </summary>
/// <remarks>L. McInnes, J. Healy and J. Melville, "UMAP: Uniform Manifold Approximation and Projection for Dimension
/// Reduction", arXiv:1802.03426, 2018 (section 3.1; umap-learn's <c>smooth_knn_dist</c>,
/// <c>compute_membership_strengths</c> and <c>fuzzy_simplicial_set</c>).</remarks>
public static class FuzzySimplicialSet
{
    private const double MinKDistScale = 1e-3;

    /// <summary>The graph for a neighbour graph without self-neighbours (k = n_neighbors − 1 others per point).</summary>
    public static UmapGraph FromGraph(KnnGraph graph, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var memberships = Memberships(graph, threads);
        return Union(graph, memberships, threads);
    }

    /// <summary>Directed memberships exp(−(d − ρ)/σ), Count × K.</summary>
    public static float[] Memberships(KnnGraph graph, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int k = graph.K;
        // umap-learn's neighbour lists include the point itself (n_neighbors = k + 1): the target log₂ n_neighbors
        // counts it, the sum does not. Adding the point's own exp(0) = 1 to the sum, as this once did, made every σ
        // smaller (target 2.9 instead of 3.9 for 15 neighbours), every membership weaker and the layout looser: at
        // 25,000 Fashion-MNIST points trustworthiness 0.9805 with it and 0.9829 without, umap-learn 0.9838.
        double target = Math.Log2(k + 1);
        // umap-learn's means include the zero distance to the point itself.
        double meanDistance = graph.Distances.Average(d => (double)d) * k / (k + 1);
        var result = new float[graph.Distances.Length];
        ReductionThreads.ForChunks(graph.Count, 512, threads, (_, start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                var distances = graph.DistancesOf(i);
                double rho = 0;
                foreach (float d in distances) if (d > 0) { rho = d; break; }
                double low = 0, high = double.PositiveInfinity, sigma = 1;
                for (int iteration = 0; iteration < 64; iteration++)
                {
                    double sum = 0;
                    foreach (float d in distances)
                    {
                        double shifted = d - rho;
                        sum += shifted > 0 ? Math.Exp(-shifted / sigma) : 1;
                    }
                    if (Math.Abs(sum - target) < 1e-5) break;
                    if (sum > target) { high = sigma; sigma = (low + high) / 2; }
                    else { low = sigma; sigma = double.IsPositiveInfinity(high) ? sigma * 2 : (low + high) / 2; }
                }
                double localMean = 0;
                foreach (float d in distances) localMean += d;
                localMean /= k + 1;
                sigma = Math.Max(sigma, MinKDistScale * (rho > 0 ? localMean : meanDistance));
                for (int c = 0; c < k; c++)
                {
                    double shifted = distances[c] - rho;
                    result[i * k + c] = shifted <= 0 ? 1f : (float)Math.Exp(-shifted / sigma);
                }
            }
        });
        return result;
    }

    /// <summary>The fuzzy union w_ij + w_ji − w_ij·w_ji, row by row in parallel: each row merges its own neighbours
    /// (sorted by column) with the points that have it as a neighbour (found by one transposing pass, in row order), so
    /// both ends of an edge compute the same weight from the same two memberships. Rows come out sorted by column.</summary>
    private static UmapGraph Union(KnnGraph graph, float[] memberships, int threads)
    {
        int n = graph.Count, k = graph.K;
        // Who has each point as a neighbour, in ascending order of that point.
        var inOffsets = new int[n + 1];
        foreach (int j in graph.Indices) inOffsets[j + 1]++;
        for (int i = 0; i < n; i++) inOffsets[i + 1] += inOffsets[i];
        var inSources = new int[inOffsets[n]];
        var inWeights = new float[inOffsets[n]];
        var fill = (int[])inOffsets.Clone();
        for (int i = 0; i < n; i++)
            for (int c = 0; c < k; c++)
            {
                int j = graph.Indices[i * k + c];
                inSources[fill[j]] = i;
                inWeights[fill[j]++] = memberships[i * k + c];
            }
        // Each row's own neighbours sorted by column (a duplicate keeps its largest membership).
        var outColumns = (int[])graph.Indices.Clone();
        var outWeights = (float[])memberships.Clone();
        var degree = new int[n + 1];
        ReductionThreads.ForChunks(n, 1024, threads, (_, start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                Array.Sort(outColumns, outWeights, i * k, k);
                degree[i + 1] = Merge(i, outColumns.AsSpan(i * k, k), outWeights.AsSpan(i * k, k),
                    inSources.AsSpan(inOffsets[i], inOffsets[i + 1] - inOffsets[i]), inWeights.AsSpan(inOffsets[i], inOffsets[i + 1] - inOffsets[i]), default, default);
            }
        });
        for (int i = 0; i < n; i++) degree[i + 1] += degree[i];
        var columns = new int[degree[n]];
        var weights = new float[degree[n]];
        ReductionThreads.ForChunks(n, 1024, threads, (_, start, end) =>
        {
            for (int i = start; i < end; i++)
                Merge(i, outColumns.AsSpan(i * k, k), outWeights.AsSpan(i * k, k),
                    inSources.AsSpan(inOffsets[i], inOffsets[i + 1] - inOffsets[i]), inWeights.AsSpan(inOffsets[i], inOffsets[i + 1] - inOffsets[i]),
                    columns.AsSpan(degree[i], degree[i + 1] - degree[i]), weights.AsSpan(degree[i], degree[i + 1] - degree[i]));
        });
        return new UmapGraph(n, degree, columns, weights);
    }

    /// <summary>Merges row <paramref name="i"/>'s out-edges and in-edges (both sorted, self-edges dropped) into edges of
    /// positive fuzzy-union weight, written to <paramref name="columns"/> and <paramref name="weights"/> unless they are
    /// empty; returns how many there are.</summary>
    private static int Merge(int i, ReadOnlySpan<int> outColumns, ReadOnlySpan<float> outWeights, ReadOnlySpan<int> inSources,
        ReadOnlySpan<float> inWeights, Span<int> columns, Span<float> weights)
    {
        int o = 0, m = 0, count = 0;
        bool write = !columns.IsEmpty;
        while (o < outColumns.Length || m < inSources.Length)
        {
            int column = Math.Min(o < outColumns.Length ? outColumns[o] : int.MaxValue, m < inSources.Length ? inSources[m] : int.MaxValue);
            float forward = 0, backward = 0;
            for (; o < outColumns.Length && outColumns[o] == column; o++) forward = Math.Max(forward, outWeights[o]);
            for (; m < inSources.Length && inSources[m] == column; m++) backward = Math.Max(backward, inWeights[m]);
            if (column == i) continue;
            // Written with the smaller vertex's membership first, so both rows of an edge compute the same float.
            float w = column > i ? forward + backward - forward * backward : backward + forward - backward * forward;
            if (w <= 0) continue;
            if (write) { columns[count] = column; weights[count] = w; }
            count++;
        }
        return count;
    }
}
