using LayerScope.Reduction;
using LayerScope.Reduction.Neighbors;
using LayerScope.Testing;

namespace LayerScope.Tests.Reduction.Neighbors;

public class ExactKnnIndexTests
{
    internal static (int[] Indices, double[] Distances) BruteForce(DenseMatrix data, DenseMatrix queries, int i, int k, DistanceMetric metric, bool excludeSelf)
    {
        var q = queries.Row(i).ToArray();
        var list = new List<(double Distance, int Index)>();
        for (int j = 0; j < data.Rows; j++)
        {
            if (excludeSelf && j == i) continue;
            var x = data.Row(j);
            double dot = 0, qq = 0, xx = 0, diff = 0;
            for (int c = 0; c < q.Length; c++)
            {
                dot += q[c] * x[c]; qq += q[c] * q[c]; xx += x[c] * x[c];
                diff += (q[c] - x[c]) * (q[c] - (double)x[c]);
            }
            double d = metric == DistanceMetric.Euclidean ? Math.Sqrt(diff) : 1 - dot / Math.Sqrt(qq * xx);
            list.Add((d, j));
        }
        var top = list.OrderBy(t => t.Distance).ThenBy(t => t.Index).Take(k).ToList();
        return (top.Select(t => t.Index).ToArray(), top.Select(t => t.Distance).ToArray());
    }

    [Theory]
    [InlineData(DistanceMetric.Euclidean)]
    [InlineData(DistanceMetric.Cosine)]
    public void Indexed_neighbors_equal_brute_force(DistanceMetric metric)
    {
        var x = SyntheticClusters.Uniform(700, 12, seed: 2);
        var graph = new ExactKnnIndex(x, metric).QueryIndexed(7);
        Assert.Equal(700, graph.Count);
        Assert.Equal(7, graph.K);
        for (int i = 0; i < 700; i++)
        {
            var (indices, distances) = BruteForce(x, x, i, 7, metric, excludeSelf: true);
            Assert.Equal(indices, graph.NeighborsOf(i).ToArray());
            for (int c = 0; c < 7; c++) Assert.True(Math.Abs(distances[c] - graph.DistancesOf(i)[c]) < 1e-4, $"point {i}, neighbour {c}");
        }
    }

    [Fact]
    public void Queries_find_indexed_points_including_equal_ones()
    {
        var x = SyntheticClusters.Uniform(300, 5, seed: 3);
        var queries = SyntheticClusters.Uniform(40, 5, seed: 4);
        var graph = new ExactKnnIndex(x).Query(queries, 4);
        for (int i = 0; i < 40; i++)
            Assert.Equal(BruteForce(x, queries, i, 4, DistanceMetric.Euclidean, excludeSelf: false).Indices, graph.NeighborsOf(i).ToArray());
        var self = new ExactKnnIndex(x).Query(x.SelectRows([5, 6]), 1);
        Assert.Equal([5, 6], self.Indices);
    }

    [Fact]
    public void One_query_costs_about_one_float_per_point_and_answers_like_a_query_before_it()
    {
        // The viewer asks one point's neighbours at a time on runs of a million points; each query used to take a
        // 16-row score buffer (64 MB there) and square every point again.
        const int points = 100_000;
        var x = SyntheticClusters.Uniform(points, 8, seed: 3);
        var index = new ExactKnnIndex(x);
        var query = new DenseMatrix(x.Row(42).ToArray(), 1, x.Columns);
        var first = index.Query(query, 5);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var second = index.Query(query, 5);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(allocated, 0, points * sizeof(float) + 200_000);
        Assert.Equal(first.NeighborsOf(0).ToArray(), second.NeighborsOf(0).ToArray());
        Assert.Equal(42, second.NeighborsOf(0)[0]);
    }
}
