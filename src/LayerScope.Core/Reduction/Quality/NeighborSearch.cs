using System.Numerics;
using System.Runtime.InteropServices;
using LayerScope.Reduction.Neighbors;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Reduction.Quality;

/// <summary>
/// For a sample of points: their k nearest other points, and (given another neighbour set) the ranks those
/// neighbours have here. One GEMM per block of sampled points gives the whole distance row, so ranks are exact.
/// </summary>
internal static class NeighborSearch
{
    /// <summary>The <paramref name="k"/> nearest other points of each sampled point (sample × k, nearest first), and,
    /// when <paramref name="others"/> (sample × k) is given, Σ over sampled points of Σ (rank − k) over the points in
    /// <paramref name="others"/> that are not among the k nearest here (the trustworthiness penalty).</summary>
    public static (int[] Neighbors, double Penalty) Search(DenseMatrix x, int[] sample, int k, int[]? others, int threads)
    {
        // Without ranks to count, an embedding's neighbours come from a k-d tree: the GEMM below writes a full
        // distance row per sampled point, minutes for 10,000 points of a 1,000,000-point 2-D embedding.
        if (others is null && x.Columns <= 3) return (Nearest(x, sample, k, threads), 0);
        ReductionThreads.ApplyToTorch(threads);
        int n = x.Rows, d = x.Columns, m = sample.Length;
        var neighbors = new int[m * k];
        var penalties = new double[m];
        int block = (int)Math.Clamp(8_000_000L / Math.Max(1, n), 16, 2048);
        var rows = new float[(long)block * n];
        using var scope = torch.NewDisposeScope();
        var points = torch.from_array(x.Values).view(n, d);
        var norms = points.square().sum(1).view(1, n);
        for (int start = 0; start < m; start += block)
        {
            int length = Math.Min(block, m - start);
            using (var inner = torch.NewDisposeScope())
            {
                var index = torch.tensor(sample.AsSpan(start, length).ToArray().Select(i => (long)i).ToArray());
                var q = points.index_select(0, index);
                var qNorms = q.square().sum(1, keepdim: true);
                var distance = torch.addmm(norms, q, points.t(), beta: 1, alpha: -2).add_(qNorms);
                distance.contiguous().data<float>().CopyTo(rows);
            }
            ReductionThreads.ForChunks(length, 4, threads, (_, a, b) =>
            {
                var bestIndex = new int[k];
                var bestDistance = new float[k];
                for (int r = a; r < b; r++)
                {
                    int s = start + r, self = sample[s];
                    var row = rows.AsSpan(r * n, n);
                    row[self] = float.PositiveInfinity;
                    int filled = 0;
                    for (int j = 0; j < n; j++)
                    {
                        float v = row[j];
                        if (filled == k && v >= bestDistance[k - 1]) continue;
                        int slot = filled < k ? filled++ : k - 1;
                        while (slot > 0 && bestDistance[slot - 1] > v) { bestDistance[slot] = bestDistance[slot - 1]; bestIndex[slot] = bestIndex[slot - 1]; slot--; }
                        bestDistance[slot] = v;
                        bestIndex[slot] = j;
                    }
                    bestIndex.CopyTo(neighbors, s * k);
                    if (others is null) continue;
                    double penalty = 0;
                    for (int c = 0; c < k; c++)
                    {
                        int j = others[s * k + c];
                        if (Array.IndexOf(bestIndex, j) >= 0) continue;
                        // rank of j among the other points by distance from the sampled point (1 = nearest)
                        penalty += CountBelow(row, row[j]) + 1 - k;
                    }
                    penalties[s] = penalty;
                }
            });
        }
        return (neighbors, penalties.Sum());
    }

    private static int[] Nearest(DenseMatrix x, int[] sample, int k, int threads)
    {
        var tree = new KdTree(x);
        var neighbors = new int[sample.Length * k];
        ReductionThreads.ForChunks(sample.Length, 256, threads, (_, a, b) =>
        {
            var distances = new float[k];
            for (int s = a; s < b; s++)
                tree.Nearest(x.Row(sample[s]), k, sample[s], neighbors.AsSpan(s * k, k), distances);
        });
        return neighbors;
    }

    private static int CountBelow(ReadOnlySpan<float> row, float threshold)
    {
        int count = 0, i = 0;
        if (Vector.IsHardwareAccelerated && row.Length >= Vector<float>.Count)
        {
            var limit = new Vector<float>(threshold);
            var acc = Vector<int>.Zero;
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(row);
            foreach (var v in vectors) acc -= Vector.LessThan(v, limit);
            count = Vector.Sum(acc);
            i = vectors.Length * Vector<float>.Count;
        }
        for (; i < row.Length; i++) if (row[i] < threshold) count++;
        return count;
    }
}
