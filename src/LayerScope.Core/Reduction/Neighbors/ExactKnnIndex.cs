using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Reduction.Neighbors;

/// <summary>
/// Exact k nearest neighbours by blocked matrix products on libtorch: for a block of queries Q and all points X,
/// ‖q − x‖² = ‖q‖² + ‖x‖² − 2 q·x is one GEMM, then <c>topk</c> keeps the k smallest. The candidates' distances are
/// then recomputed exactly (the GEMM form loses digits for nearby points far from the origin) and sorted. Memory is
/// one block of block × N floats; time is O(N² D), fine up to a few hundred thousand points.
/// </summary>
public sealed class ExactKnnIndex : IKnnIndex
{
    private readonly DenseMatrix _search;
    private readonly int _threads;
    private float[]? _pointNorms;

    /// <summary>Indexes <paramref name="data"/> (not copied for Euclidean; normalised once for cosine).</summary>
    public ExactKnnIndex(DenseMatrix data, DistanceMetric metric = DistanceMetric.Euclidean, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        Data = data;
        Metric = metric;
        _threads = threads;
        _search = metric == DistanceMetric.Cosine ? NeighborDistances.Normalized(data, threads) : data;
    }

    /// <inheritdoc/>
    public DenseMatrix Data { get; }

    /// <inheritdoc/>
    public DistanceMetric Metric { get; }

    /// <inheritdoc/>
    public KnnGraph QueryIndexed(int k, CancellationToken cancellationToken = default)
    {
        if (k < 1 || k > Data.Rows - 1)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and {Data.Rows - 1} (the number of other points).");
        return Search(_search, k, excludeSelf: true, cancellationToken);
    }

    /// <inheritdoc/>
    public KnnGraph Query(DenseMatrix queries, int k, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        if (queries.Columns != Data.Columns)
            throw new ArgumentException($"The queries have {queries.Columns} columns; the index has {Data.Columns}.", nameof(queries));
        if (k < 1 || k > Data.Rows)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and {Data.Rows}.");
        var search = Metric == DistanceMetric.Cosine ? NeighborDistances.Normalized(queries, _threads) : queries;
        return Search(search, k, excludeSelf: false, cancellationToken);
    }

    private KnnGraph Search(DenseMatrix queries, int k, bool excludeSelf, CancellationToken cancellationToken)
    {
        ReductionThreads.ApplyToTorch(_threads);
        int n = _search.Rows, d = _search.Columns, m = queries.Rows;
        int take = Math.Min(n, k + (excludeSelf ? 1 : 0));
        var indices = new int[(long)m * k];
        var distances = new float[(long)m * k];
        // One score buffer, reused: managed memory shared with libtorch (GEMM writes it in place, C# selects from it).
        // Fresh GEMM outputs of tens of megabytes are slower than the GEMM itself (page faults on new mappings).
        int block = (int)Math.Clamp(8_000_000L / Math.Max(1, n), 16, Math.Max(16, Math.Min(m, 2048)));
        // Rows past the last query are never written: one query over a million points needs 4 MB, not 64.
        int rowsHeld = Math.Min(block, m);
        var scores = new float[(long)rowsHeld * n];
        using var scope = torch.NewDisposeScope();
        var points = torch.from_array(_search.Values).view(n, d);
        // ‖x‖² once per index, not per call: for a million points of 50 units the square alone was 200 MB a query.
        var pointNorms = Metric == DistanceMetric.Euclidean ? torch.from_array(PointNorms(points)).view(1, n) : null;
        var scoreTensor = torch.from_array(scores).view(rowsHeld, n);
        var queryTensor = torch.from_array(queries.Values).view(m, d);
        for (int start = 0; start < m; start += block)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int length = Math.Min(block, m - start);
            using (var inner = torch.NewDisposeScope())
            {
                var q = queryTensor.narrow(0, start, length);
                var target = scoreTensor.narrow(0, 0, length);
                // Ranking only needs ‖x‖² − 2 q·x (‖q‖² is the same along a row); for cosine, −q·x.
                if (Metric == DistanceMetric.Euclidean)
                {
                    target.copy_(pointNorms!.expand(length, n));
                    target.addmm_(q, points.t(), beta: 1, alpha: -2);
                }
                else
                {
                    target.zero_();
                    target.addmm_(q, points.t(), beta: 0, alpha: -1);
                }
            }
            ReductionThreads.ForChunks(length, 16, _threads, (_, a, b) =>
            {
                // A few more candidates than needed, re-ranked by exact distance: the GEMM scores round differently
                // with the thread count, and this keeps near-ties at the boundary from changing the result.
                int candidates = Math.Min(n, take + 8);
                Span<int> idx = candidates <= 256 ? stackalloc int[candidates] : new int[candidates];
                Span<float> dist = candidates <= 256 ? stackalloc float[candidates] : new float[candidates];
                for (int r = a; r < b; r++)
                {
                    int i = start + r;
                    NeighborDistances.SelectSmallest(scores.AsSpan((int)((long)r * n), n), idx, dist);
                    var query = queries.Row(i);
                    for (int c = 0; c < candidates; c++) dist[c] = NeighborDistances.Distance(query, _search.Row(idx[c]), Metric);
                    NeighborDistances.SortByDistance(idx, dist);
                    int written = 0;
                    var outIdx = indices.AsSpan(i * k, k);
                    var outDist = distances.AsSpan(i * k, k);
                    for (int c = 0; c < candidates && written < k; c++)
                    {
                        if (excludeSelf && idx[c] == i) continue;
                        outIdx[written] = idx[c];
                        outDist[written] = dist[c];
                        written++;
                    }
                }
            });
        }
        return new KnnGraph(indices, distances, m, k, Metric);
    }

    private float[] PointNorms(Tensor points)
    {
        if (Volatile.Read(ref _pointNorms) is { } known) return known;
        using var scope = torch.NewDisposeScope();
        var norms = points.square().sum(1).data<float>().ToArray();
        return Interlocked.CompareExchange(ref _pointNorms, norms, null) ?? norms;
    }
}
