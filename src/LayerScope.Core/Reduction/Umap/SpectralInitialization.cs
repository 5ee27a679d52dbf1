using LayerScope.Reduction.Pca;

namespace LayerScope.Reduction.Umap;

/// <summary>
/// UMAP's starting layouts. Spectral: the eigenvectors of the normalised graph Laplacian with the smallest non-zero
/// eigenvalues (Belkin and Niyogi's Laplacian eigenmaps), found by LOBPCG (<see cref="GraphEigenvectors"/>) with the
/// trivial eigenvector D^½ 1 projected out. A disconnected graph (whose Laplacian has
/// several zero eigenvalues, so its eigenvectors only label components) is laid out component by component: each
/// component gets its own spectral layout, placed around its centroid's position in a PCA of the component centroids
/// and shrunk to half the distance to the nearest other centroid, as umap-learn's multi-component layout does. An
/// iteration that does not converge falls back to PCA (block subspace iteration did at 25,000 Fashion-MNIST points,
/// after 6 CPU seconds, and cost 0.008 of trustworthiness). Every start is scaled to [0, 10] per dimension.
/// </summary>
/// <remarks>M. Belkin and P. Niyogi, "Laplacian eigenmaps for dimensionality reduction and data representation",
/// Neural Computation 15, 2003; McInnes et al. 2018, section 4.</remarks>
public static class SpectralInitialization
{
    /// <summary>The spectral layout of <paramref name="graph"/>, or null when the iteration did not converge (the
    /// caller falls back). A disconnected graph needs the points (<paramref name="data"/>) to place its components;
    /// without them it returns null.</summary>
    public static DenseMatrix? TrySpectral(UmapGraph graph, int dims, int seed = 0, int threads = 0, int maxIterations = 300, DenseMatrix? data = null,
        double tolerance = GraphEigenvectors.DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var (components, count) = graph.ComponentLabels();
        if (count == 1) return TryConnected(graph, dims, seed, threads, maxIterations, data, tolerance);
        if (data is null || data.Rows != graph.Count) return null;
        var layout = ByComponent(graph, data, components, count, dims, seed, threads, maxIterations, tolerance);
        if (layout is null) return null;
        AddNoiseAndScale(layout, seed);
        return layout;
    }

    /// <summary>Each component laid out by itself (spectral when it has enough vertices, else random), shrunk and moved
    /// to its centroid's place in a PCA of the centroids; null when a component's iteration did not converge.</summary>
    private static DenseMatrix? ByComponent(UmapGraph graph, DenseMatrix data, int[] components, int count, int dims, int seed, int threads, int maxIterations,
        double tolerance)
    {
        int n = graph.Count, d = data.Columns;
        var members = new List<int>[count];
        for (int c = 0; c < count; c++) members[c] = [];
        for (int i = 0; i < n; i++) members[components[i]].Add(i);

        // Where the components go: their centroids, projected on the centroids' own principal axes (few components,
        // or centroids in fewer dimensions than the layout, are spread on the axes instead).
        var centroids = new float[(long)count * d];
        for (int c = 0; c < count; c++)
        {
            var sum = new double[d];
            foreach (int i in members[c]) { var row = data.Row(i); for (int j = 0; j < d; j++) sum[j] += row[j]; }
            for (int j = 0; j < d; j++) centroids[(long)c * d + j] = (float)(sum[j] / members[c].Count);
        }
        var places = new double[count, dims];
        if (count > dims + 1 && d >= dims)
        {
            var projected = PcaReducer.Fit(new DenseMatrix(centroids, count, d), new PcaOptions { Components = dims, Seed = seed, Threads = threads })
                .Transform(new DenseMatrix(centroids, count, d), threads);
            for (int c = 0; c < count; c++) for (int a = 0; a < dims; a++) places[c, a] = projected[c, a];
        }
        else
        {
            for (int c = 0; c < count; c++) places[c, c % dims] = c < dims ? 1 : -1 * (1 + c / dims);
        }
        double nearest = double.PositiveInfinity;
        for (int c = 0; c < count; c++)
            for (int e = c + 1; e < count; e++)
            {
                double distance = 0;
                for (int a = 0; a < dims; a++) distance += (places[c, a] - places[e, a]) * (places[c, a] - places[e, a]);
                if (distance > 0) nearest = Math.Min(nearest, Math.Sqrt(distance));
            }
        // Each component fits in a box whose half-diagonal is half the distance to the nearest other place, so no
        // two components overlap at the start.
        double radius = (double.IsFinite(nearest) ? nearest / 2 : 1) / Math.Sqrt(dims);

        var layout = new DenseMatrix(new float[(long)n * dims], n, dims);
        for (int c = 0; c < count; c++)
        {
            var vertices = members[c];
            DenseMatrix? part = null;
            if (vertices.Count > 2 * dims + 2)
            {
                part = TryConnected(graph.Subgraph(vertices), dims, seed + c, threads, maxIterations, data.SelectRows(vertices), tolerance);
                if (part is null) return null;
            }
            part ??= Random(vertices.Count, dims, seed + c);
            for (int a = 0; a < dims; a++)
            {
                float low = float.PositiveInfinity, high = float.NegativeInfinity;
                for (int v = 0; v < vertices.Count; v++) { low = Math.Min(low, part[v, a]); high = Math.Max(high, part[v, a]); }
                double scale = high > low ? 2 * radius / (high - low) : 0;
                for (int v = 0; v < vertices.Count; v++)
                    layout[vertices[v], a] = (float)(places[c, a] + (part[v, a] - (low + high) / 2) * scale);
            }
        }
        return layout;
    }

    private static DenseMatrix? TryConnected(UmapGraph graph, int dims, int seed, int threads, int maxIterations, DenseMatrix? data, double tolerance)
    {
        int n = graph.Count;
        if (n <= 3 * (dims + GraphEigenvectors.DefaultGuard) + 1) return null;
        // From the points' principal components when they are given: at 25,000 Fashion-MNIST points LOBPCG then
        // converged in 45 iterations instead of 60 from a random block.
        var start = data is null ? null : SmoothStart(graph, data, dims + GraphEigenvectors.DefaultGuard, seed, threads);
        var eigen = GraphEigenvectors.Smoothest(graph, dims, seed, threads, maxIterations, tolerance, start: start);
        if (!eigen.Converged) return null;
        // Laplacian eigenmaps use D^−½ times the eigenvectors of the normalised matrix (umap-learn takes the
        // eigenvectors as they are; at 25,000 Fashion-MNIST points that start reached trustworthiness 0.9798, this one
        // 0.9827, one run each).
        var values = new float[(long)n * dims];
        var degree = graph.Degrees();
        for (int i = 0; i < n; i++)
        {
            double scale = degree[i] > 0 ? 1 / Math.Sqrt(degree[i]) : 0;
            for (int a = 0; a < dims; a++) values[(long)i * dims + a] = (float)(eigen.Vectors[(long)i * dims + a] * scale);
        }
        var result = new DenseMatrix(values, n, dims);
        AddNoiseAndScale(result, seed);
        return result;
    }

    /// <summary>A smooth starting block for <see cref="GraphEigenvectors.Smoothest"/>: the first principal components
    /// of the points, times D^½ (the eigenvectors of D^−½ W D^−½ are D^½ times those of the random walk D^−1 W, whose
    /// smoothest ones vary slowly between neighbours, as linear functions of the points do).</summary>
    internal static DenseMatrix? SmoothStart(UmapGraph graph, DenseMatrix x, int columns, int seed, int threads)
    {
        int c = Math.Min(columns, Math.Min(x.Columns, x.Rows - 1));
        if (c < 1 || x.Rows != graph.Count) return null;
        var pca = PcaReducer.Fit(x, new PcaOptions { Components = c, Seed = seed, Threads = threads });
        var result = pca.Transform(x, threads);
        var degree = graph.Degrees();
        for (int i = 0; i < graph.Count; i++)
        {
            float root = (float)Math.Sqrt(degree[i]);
            for (int a = 0; a < c; a++) result[i, a] *= root;
        }
        return result;
    }

    /// <summary>The first principal components of <paramref name="x"/>, scaled to [0, 10].</summary>
    public static DenseMatrix Pca(DenseMatrix x, int dims, int seed = 0, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Columns < dims) return Random(x.Rows, dims, seed);
        var pca = PcaReducer.Fit(x, new PcaOptions { Components = dims, Seed = seed, Threads = threads });
        var result = pca.Transform(x, threads);
        AddNoiseAndScale(result, seed);
        return result;
    }

    /// <summary>Uniform positions in [0, 10].</summary>
    public static DenseMatrix Random(int n, int dims, int seed = 0)
    {
        var random = new Random(seed);
        var values = new float[(long)n * dims];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 10);
        return new DenseMatrix(values, n, dims);
    }

    /// <summary>umap-learn: a little noise (so coincident points separate), then each dimension to [0, 10].</summary>
    private static void AddNoiseAndScale(DenseMatrix layout, int seed)
    {
        int n = layout.Rows, dims = layout.Columns;
        var random = new Random(seed + 1);
        for (int a = 0; a < dims; a++)
        {
            double max = 0;
            for (int i = 0; i < n; i++) max = Math.Max(max, Math.Abs(layout[i, a]));
            double scale = max > 0 ? 10 / max : 1;
            for (int i = 0; i < n; i++) layout[i, a] = (float)(layout[i, a] * scale + 1e-4 * (random.NextDouble() * 2 - 1));
            float low = float.PositiveInfinity, high = float.NegativeInfinity;
            for (int i = 0; i < n; i++) { low = Math.Min(low, layout[i, a]); high = Math.Max(high, layout[i, a]); }
            float range = high - low > 0 ? high - low : 1;
            for (int i = 0; i < n; i++) layout[i, a] = 10 * (layout[i, a] - low) / range;
        }
    }
}
