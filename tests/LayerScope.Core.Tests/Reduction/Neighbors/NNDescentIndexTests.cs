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

    [Theory]
    [InlineData(15, 4000)]
    [InlineData(90, 2500)]
    public void The_descent_lifts_recall_where_the_forest_alone_misses_neighbours(int k, int count)
    {
        // Leaves of at most 100 points from 2 trees over clusters of 250–400: the start finds only part of each
        // neighbourhood, so the recall above 0.95 has to come from the local joins (no refinement pass here).
        var x = SyntheticClusters.Gaussian(count, 20, clusters: 10, separation: 2, seed: 5).X;
        var exact = new ExactKnnIndex(x).QueryIndexed(k);
        var start = new NNDescentIndex(x, trees: 2, leafSize: 100, maxIterations: 0, seed: 2, refinements: 0, cellPool: 0).QueryIndexed(k);
        var index = new NNDescentIndex(x, trees: 2, leafSize: 100, seed: 2, refinements: 0, cellPool: 0);
        var descended = index.QueryIndexed(k);
        Assert.True(Recall(start, exact) < 0.9, $"the forest alone already reaches recall {Recall(start, exact):0.000}");
        Assert.True(Recall(descended, exact) >= 0.95, $"NN-descent recall {Recall(descended, exact):0.0000} (k = {k})");
        Assert.True(index.Statistics!.Rounds >= 2);
        Assert.True(index.Statistics.ChangesPerRound[^1] < index.Statistics.ChangesPerRound[0], "changes must fall round by round");
    }

    [Fact]
    public void Lists_grown_from_a_short_descent_by_neighbours_of_neighbours_reach_095_whatever_the_thread_count()
    {
        // 60 neighbours from a descent of 30-entry lists: only the refinement pass can fill the other half of each
        // list, so a pass that found nothing would leave recall at 0.5.
        var x = SyntheticClusters.Gaussian(3000, 20, clusters: 10, separation: 2, seed: 7).X;
        var exact = new ExactKnnIndex(x).QueryIndexed(60);
        NNDescentIndex Index(int threads) => new(x, seed: 3, threads: threads, cellPool: 0);
        var index = Index(1);
        var one = index.QueryIndexed(60);
        Assert.True(index.Statistics!.RefineDistances > 0);
        Assert.True(Recall(one, exact) >= 0.95, $"recall {Recall(one, exact):0.0000} of the grown lists");
        var two = Index(2).QueryIndexed(60);
        var three = Index(3).QueryIndexed(60);
        Assert.Equal(one.Indices, two.Indices);
        Assert.Equal(one.Distances, two.Distances);
        Assert.Equal(one.Indices, three.Indices);
        for (int i = 0; i < 3000; i++) Assert.DoesNotContain(-1, one.NeighborsOf(i).ToArray());
    }

    [Fact]
    public void Equal_seeds_give_equal_graphs_whatever_the_thread_count_and_other_seeds_differ()
    {
        var x = SyntheticClusters.Gaussian(3000, 16, clusters: 8, separation: 2, seed: 6).X;
        // Both starts: the forest with NN-descent's rounds, and the k-means cells with their sampled pool size.
        foreach (int? pool in new int?[] { 0, null })
        {
            KnnGraph Build(int seed, int threads) => new NNDescentIndex(x, trees: 2, leafSize: 60, seed: seed, threads: threads, cellPool: pool, cellSize: 100).QueryIndexed(15);
            var a = Build(seed: 4, threads: 1);
            var b = Build(seed: 4, threads: 2);
            var c = Build(seed: 4, threads: 3);
            Assert.Equal(a.Indices, b.Indices);
            Assert.Equal(a.Distances, b.Distances);
            Assert.Equal(a.Indices, c.Indices);
            Assert.NotEqual(a.Indices, Build(seed: 5, threads: 2).Indices);
        }
    }

    [Theory]
    [InlineData(15)]
    [InlineData(90)]
    public void K_means_cells_alone_start_lists_above_095_whatever_the_thread_count(int k)
    {
        // 4,000 points in 10 clusters, cells of about 100: with no descent round and no refinement pass, every list
        // comes from its cell's pool (its own and the nearest cells, 1,200 points). A pool of the own cell alone must
        // miss neighbours, so the recall has to come from the nearest cells.
        var x = SyntheticClusters.Gaussian(4000, 20, clusters: 10, separation: 2, seed: 8).X;
        var exact = new ExactKnnIndex(x).QueryIndexed(k);
        NNDescentIndex Index(int threads, int pool) =>
            new(x, seed: 2, threads: threads, maxIterations: 0, refinements: 0, cellPool: pool, cellSize: 100);
        var index = Index(1, 1200);
        var one = index.QueryIndexed(k);
        Assert.True(Recall(one, exact) >= 0.95, $"recall {Recall(one, exact):0.0000} of the cells' start (k = {k})");
        Assert.Equal(0, index.Statistics!.JoinDistances);
        Assert.Equal(0, index.Statistics.RefineDistances);
        var two = Index(2, 1200).QueryIndexed(k);
        Assert.Equal(one.Indices, two.Indices);
        Assert.Equal(one.Distances, two.Distances);
        Assert.Equal(one.Indices, Index(3, 1200).QueryIndexed(k).Indices);
        var own = Index(1, 1).QueryIndexed(k);
        Assert.True(Recall(own, exact) < 0.9, $"the own cell alone already reaches recall {Recall(own, exact):0.000}");
        for (int i = 0; i < 4000; i++) Assert.DoesNotContain(-1, own.NeighborsOf(i).ToArray());
    }

    [Theory]
    [InlineData(15)]
    [InlineData(90)]
    public void Pools_scored_in_tiles_give_the_graph_of_one_whole_pool_GEMM_and_a_full_pool_finds_every_neighbour(int k)
    {
        // Tiles of 37 points: many per pool, none a whole number of SIMD vectors, so every tile ends in the scalar
        // tail and the running selections carry their thresholds across tile boundaries. A tile no smaller than the
        // pool is the search before tiling (one GEMM of the queries against the whole pool). A pool of all points
        // leaves the selection alone to decide, so it must find every exact neighbour.
        var x = SyntheticClusters.Gaussian(3000, 20, clusters: 10, separation: 2, seed: 8).X;
        KnnGraph Graph(int tile, int pool) =>
            new NNDescentIndex(x, seed: 2, threads: 2, cellPool: pool, cellSize: 100) { PoolTile = tile }.QueryIndexed(k);
        var whole = Graph(int.MaxValue, 900);
        var tiled = Graph(37, 900);
        Assert.Equal(whole.Indices, tiled.Indices);
        Assert.Equal(whole.Distances, tiled.Distances);
        var exact = new ExactKnnIndex(x).QueryIndexed(k);
        double recall = Recall(Graph(37, 3000), exact);
        Assert.True(recall >= 0.9995, $"recall {recall:0.00000} with every point in every pool (k = {k})");
    }

    [Fact]
    public void The_sampled_cell_pool_reaches_the_target_and_grows_with_the_intrinsic_dimension()
    {
        // Two clusters of 2,500 points in 4 and in 40 dimensions, cells of about 100: in 4-D a point's neighbours lie
        // in the few cells around it, in 40-D they spread over its whole cluster, so the pool that holds 97 % of them
        // must be larger; in both the graph must reach the recall it was sized for.
        int Pool(int dimensions)
        {
            var x = SyntheticClusters.Gaussian(5000, dimensions, clusters: 2, separation: 3, seed: 9).X;
            var index = new NNDescentIndex(x, seed: 1, cellSize: 100);
            var graph = index.QueryIndexed(15);
            double recall = Recall(graph, new ExactKnnIndex(x).QueryIndexed(15));
            Assert.True(recall >= 0.95, $"recall {recall:0.0000} in {dimensions}-D with a pool of {index.Statistics!.CellPool}");
            return index.Statistics!.CellPool;
        }
        int low = Pool(4), high = Pool(40);
        Assert.True(high > 2 * low, $"pool {low} in 4-D, {high} in 40-D");
    }
}
