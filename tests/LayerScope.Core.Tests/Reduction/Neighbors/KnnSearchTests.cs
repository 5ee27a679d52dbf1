using LayerScope.Reduction.Neighbors;
using LayerScope.Testing;

namespace LayerScope.Tests.Reduction.Neighbors;

public class KnnSearchTests
{
    [Fact]
    public void The_approximate_index_is_sized_for_the_recall_it_is_asked_for()
    {
        // Two 30-D clusters of 3,000 points: a point's neighbours spread over its whole cluster, so the pool that holds
        // 99.5 % of them must be larger than the one that holds 90 %, and the graph must reach what it was sized for.
        var x = SyntheticClusters.Gaussian(6000, 30, clusters: 2, separation: 3, seed: 12).X;
        var exact = new ExactKnnIndex(x).QueryIndexed(30);
        (double Recall, int Pool) Build(double target)
        {
            var index = (NNDescentIndex)KnnSearch.CreateIndex(x, KnnMethod.Approximate, seed: 1, targetRecall: target);
            var graph = index.QueryIndexed(30);
            long hits = 0;
            for (int i = 0; i < x.Rows; i++)
            {
                var truth = exact.NeighborsOf(i);
                foreach (int j in graph.NeighborsOf(i)) if (truth.Contains(j)) hits++;
            }
            return (hits / (30.0 * x.Rows), index.Statistics!.CellPool);
        }
        var loose = Build(0.9);
        var tight = Build(KnnSearch.ApproximateRecall);
        Assert.True(tight.Recall >= 0.99, $"recall {tight.Recall:0.0000} with a pool of {tight.Pool} sized for {KnnSearch.ApproximateRecall}");
        Assert.True(loose.Recall < tight.Recall, $"recall {loose.Recall:0.0000} sized for 0.9, {tight.Recall:0.0000} for {KnnSearch.ApproximateRecall}");
        Assert.True(tight.Pool > loose.Pool, $"pool {loose.Pool} for 0.9, {tight.Pool} for {KnnSearch.ApproximateRecall}");
    }
}
