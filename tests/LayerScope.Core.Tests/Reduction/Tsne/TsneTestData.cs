using LayerScope.Reduction;
using LayerScope.Reduction.Neighbors;
using LayerScope.Reduction.Tsne;
using LayerScope.Testing;

namespace LayerScope.Tests.Reduction.Tsne;

internal static class TsneTestData
{
    /// <summary>Affinities of uniform random points and a spread-out random layout, for gradient comparisons.</summary>
    public static (TsneAffinities P, double[] Y) RandomProblem(int n, int dims, double spread, int seed = 1)
    {
        var x = SyntheticClusters.Gaussian(n, 10, clusters: 5, separation: 3, seed: seed).X;
        var graph = new ExactKnnIndex(x).QueryIndexed(30);
        var p = PerplexityAffinities.FromGraph(graph, 10);
        var random = new Random(seed);
        var y = new double[n * dims];
        for (int i = 0; i < y.Length; i++) y[i] = SyntheticClusters.Normal(random) * spread;
        return (p, y);
    }
}
