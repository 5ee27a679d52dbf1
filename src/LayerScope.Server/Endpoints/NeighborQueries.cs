using LayerScope.Reduction;
using LayerScope.Reduction.Neighbors;

namespace LayerScope.Server.Endpoints;

/// <summary>
/// Runs neighbour queries, a bounded number at once. Each index answers one query at a time (its owner gate), and
/// at most <c>limit</c> indexes compute at once: a query is a pass over every point of a layer (a million points:
/// one matrix-vector product and a selection over a million scores), so more in parallel only adds memory. Waiting
/// holds no thread; a query that cannot start within <c>wait</c> is not run (the endpoint answers 503).
/// </summary>
internal sealed class NeighborQueries(int limit, TimeSpan wait) : IDisposable
{
    private readonly SemaphoreSlim _running = new(limit, limit);

    /// <summary>The <paramref name="k"/> nearest points of row <paramref name="point"/> of <paramref name="index"/>
    /// (the point itself among them), or null when the server stayed busy for the whole wait.</summary>
    public async Task<KnnGraph?> RunAsync(ServedNeighborIndex index, int point, int k, CancellationToken cancellationToken)
    {
        var deadline = Environment.TickCount64 + (long)wait.TotalMilliseconds;
        if (!await index.Owner.WaitAsync(wait, cancellationToken)) return null;
        try
        {
            var left = TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64));
            if (!await _running.WaitAsync(left, cancellationToken)) return null;
            try
            {
                var data = index.Index.Data;
                var row = new DenseMatrix(data.Row(point).ToArray(), 1, data.Columns);
                return index.Index.Query(row, k, cancellationToken);
            }
            finally
            {
                _running.Release();
            }
        }
        finally
        {
            index.Owner.Release();
        }
    }

    public void Dispose() => _running.Dispose();
}
