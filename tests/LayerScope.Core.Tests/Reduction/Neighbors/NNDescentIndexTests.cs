using LayerScope.Reduction;
using LayerScope.Reduction.Neighbors;
using LayerScope.Testing;

namespace LayerScope.Tests.Reduction.Neighbors;

public class NNDescentIndexTests
{
    private static double Recall(KnnGraph approximate, KnnGraph exact)
    {
        long hits = 0;
        for (int i = 0; i < exact.Count; i++)
        {
            var truth = exact.NeighborsOf(i);
            foreach (int j in approximate.NeighborsOf(i)) if (truth.Contains(j)) hits++;
        }
        return hits / (double)((long)exact.Count * exact.K);
    }

    [Theory]
    [InlineData(DistanceMetric.Euclidean, 15)]
    [InlineData(DistanceMetric.Cosine, 15)]
    [InlineData(DistanceMetric.Euclidean, 90)]
    public void Recall_against_exact_is_at_least_095(DistanceMetric metric, int k)
    {
        var x = SyntheticClusters.Gaussian(2000, 30, clusters: 20, separation: 1.5, seed: 4).X;
        var exact = new ExactKnnIndex(x, metric).QueryIndexed(k);
        var approximate = new NNDescentIndex(x, metric, seed: 1).QueryIndexed(k);
        double recall = Recall(approximate, exact);
        Assert.True(recall >= 0.95, $"NN-descent recall {recall:0.0000} ({metric}, k = {k})");
        for (int i = 0; i < 2000; i++)
        {
            Assert.DoesNotContain(i, approximate.NeighborsOf(i).ToArray());
            var d = approximate.DistancesOf(i);
            for (int c = 1; c < k; c++) Assert.True(d[c] >= d[c - 1], "distances must increase");
        }
    }

    [Fact]
    public void Queries_find_their_neighbours_and_results_do_not_depend_on_threads()
    {
        var x = SyntheticClusters.Gaussian(1500, 20, clusters: 10, separation: 2, seed: 2).X;
        var queries = SyntheticClusters.Gaussian(200, 20, clusters: 10, separation: 2, seed: 2).X;
        var exact = new ExactKnnIndex(x).Query(queries, 10);
        var one = new NNDescentIndex(x, seed: 3, threads: 1);
        var two = new NNDescentIndex(x, seed: 3, threads: 2);
        Assert.Equal(one.QueryIndexed(10).Indices, two.QueryIndexed(10).Indices);
        var found = one.Query(queries, 10);
        Assert.True(Recall(found, exact) >= 0.95, $"query recall {Recall(found, exact)}");
    }
}
