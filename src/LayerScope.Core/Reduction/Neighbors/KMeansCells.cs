using TorchSharp;

namespace LayerScope.Reduction.Neighbors;

/// <summary>
/// A partition of the points into cells by k-means (Lloyd's iterations, S. P. Lloyd, "Least squares quantization in
/// PCM", 1982), fitted on a sample and then applied to all points; the inverted-file partition of H. Jégou, M. Douze
/// and C. Schmid, "Product quantization for nearest neighbor search", TPAMI 2011. Unlike a random-projection leaf, a
/// cell follows the clusters of the data, so the points of a cell and of the few cells nearest to it hold most of its
/// points' neighbours even at high intrinsic dimension.
/// </summary>
/// <remarks>Reproducible whatever the thread count: distances to the centroids are GEMMs on libtorch over a fixed
/// partition of the rows (each single-threaded inside one .NET worker), so every call sees the same operands; the means
/// are summed per chunk in double and reduced in chunk order; ties go to the lower cell.</remarks>
internal sealed class KMeansCells
{
    private const int Chunk = 1024;

    /// <summary>Partitions <paramref name="data"/> into about N / <paramref name="cellSize"/> cells.</summary>
    /// <param name="data">The points.</param>
    /// <param name="cellSize">Points per cell on average.</param>
    /// <param name="iterations">Lloyd iterations on the sample.</param>
    /// <param name="seed">Seed of the sample and of the first centroids.</param>
    /// <param name="threads">Threads.</param>
    public KMeansCells(DenseMatrix data, int cellSize, int iterations, int seed, int threads)
    {
        int n = data.Rows, d = data.Columns;
        int cells = Math.Clamp(n / Math.Max(1, cellSize), 1, n);
        var random = new Random(seed);
        // About 64 sample points per centroid fit the centroids (Lloyd's cost is sample × cells per iteration); the
        // full assignment then runs once.
        var sampleRows = Shuffled(n, random).Take(Math.Min(n, 64 * cells)).ToArray();
        var sample = data.SelectRows(sampleRows);
        var centroids = sample.SelectRows(Enumerable.Range(0, cells).ToArray()).Values;
        var assignment = new int[sample.Rows];
        torch.set_num_threads(1);
        try
        {
            for (int iteration = 0; iteration < iterations; iteration++)
            {
                Assign(sample, centroids, cells, assignment, threads);
                centroids = Means(sample, assignment, centroids, cells, threads);
            }
            Assignment = new int[n];
            Assign(data, centroids, cells, Assignment, threads);
        }
        finally
        {
            ReductionThreads.ApplyToTorch(threads);
        }
        Centroids = new DenseMatrix(centroids, cells, d);
        var counts = new int[cells];
        foreach (int c in Assignment) counts[c]++;
        Members = new int[cells][];
        for (int c = 0; c < cells; c++) Members[c] = new int[counts[c]];
        Array.Clear(counts);
        for (int i = 0; i < n; i++) Members[Assignment[i]][counts[Assignment[i]]++] = i;
    }

    /// <summary>The cell of each point.</summary>
    public int[] Assignment { get; }

    /// <summary>The points of each cell, in increasing index.</summary>
    public int[][] Members { get; }

    /// <summary>The cell centres, cells × D.</summary>
    public DenseMatrix Centroids { get; }

    /// <summary>The cells by increasing distance of their centre from cell <paramref name="cell"/>'s (itself first).</summary>
    public int[] NearestCells(int cell)
    {
        int cells = Centroids.Rows;
        var order = Enumerable.Range(0, cells).ToArray();
        var distances = new float[cells];
        for (int c = 0; c < cells; c++) distances[c] = c == cell ? -1 : NeighborDistances.SquaredEuclidean(Centroids.Row(cell), Centroids.Row(c));
        // Ties to the lower cell: a stable order on (distance, index).
        Array.Sort(order, (a, b) => distances[a] != distances[b] ? distances[a].CompareTo(distances[b]) : a.CompareTo(b));
        return order;
    }

    private static int[] Shuffled(int n, Random random)
    {
        var order = Enumerable.Range(0, n).ToArray();
        random.Shuffle(order);
        return order;
    }

    private static void Assign(DenseMatrix data, float[] centroids, int cells, int[] assignment, int threads)
    {
        int d = data.Columns;
        var norms = new float[cells];
        for (int c = 0; c < cells; c++)
        {
            var row = centroids.AsSpan(c * d, d);
            norms[c] = NeighborDistances.Dot(row, row);
        }
        // One score buffer per worker, reused: a fresh Chunk × cells array per chunk (8 MB at 2,000 cells, 1,000 chunks
        // at 1,000,000 points) would be garbage on the large-object heap, which is collected late.
        var buffers = new System.Collections.Concurrent.ConcurrentBag<float[]>();
        ReductionThreads.ForChunks(data.Rows, Chunk, threads, (_, start, end) =>
        {
            int m = end - start;
            var scores = buffers.TryTake(out var free) ? free : new float[Chunk * cells];
            using (var scope = torch.NewDisposeScope())
            {
                var x = torch.from_array(data.Values).narrow(0, (long)start * d, (long)m * d).view(m, d);
                var centres = torch.from_array(centroids).view(cells, d);
                var s = torch.from_array(scores).narrow(0, 0, (long)m * cells).view(m, cells);
                // ‖c‖² − 2 x·c ranks the cells like ‖x − c‖² along a row.
                s.copy_(torch.from_array(norms).view(1, cells).expand(m, cells));
                s.addmm_(x, centres.t(), beta: 1, alpha: -2);
            }
            for (int r = 0; r < m; r++)
            {
                var row = scores.AsSpan(r * cells, cells);
                int best = 0;
                for (int c = 1; c < cells; c++) if (row[c] < row[best]) best = c;
                assignment[start + r] = best;
            }
            buffers.Add(scores);
        });
    }

    private static float[] Means(DenseMatrix data, int[] assignment, float[] previous, int cells, int threads)
    {
        // At most 16 partial sums (cells × D doubles each), whatever the thread count: a fixed partition of the rows.
        int d = data.Columns, chunk = Math.Max(Chunk, (data.Rows + 15) / 16), chunks = (data.Rows + chunk - 1) / chunk;
        var sums = new double[chunks][];
        var counts = new int[chunks][];
        ReductionThreads.ForChunks(data.Rows, chunk, threads, (part, start, end) =>
        {
            var sum = new double[cells * d];
            var count = new int[cells];
            for (int i = start; i < end; i++)
            {
                int c = assignment[i];
                count[c]++;
                var row = data.Row(i);
                for (int j = 0; j < d; j++) sum[c * d + j] += row[j];
            }
            sums[part] = sum;
            counts[part] = count;
        });
        var means = new float[cells * d];
        for (int c = 0; c < cells; c++)
        {
            long total = 0;
            for (int part = 0; part < chunks; part++) total += counts[part][c];
            for (int j = 0; j < d; j++)
            {
                if (total == 0) { means[c * d + j] = previous[c * d + j]; continue; } // an empty cell keeps its centre
                double s = 0;
                for (int part = 0; part < chunks; part++) s += sums[part][c * d + j];
                means[c * d + j] = (float)(s / total);
            }
        }
        return means;
    }
}
