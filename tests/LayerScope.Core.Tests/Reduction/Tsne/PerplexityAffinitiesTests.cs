using LayerScope.Reduction.Neighbors;
using LayerScope.Reduction.Tsne;
using LayerScope.Testing;

namespace LayerScope.Tests.Reduction.Tsne;

public class PerplexityAffinitiesTests
{
    [Fact]
    public void Conditional_rows_sum_to_one_and_have_the_requested_perplexity()
    {
        var x = SyntheticClusters.Gaussian(300, 8, seed: 2).X;
        var graph = new ExactKnnIndex(x).QueryIndexed(45);
        var rows = PerplexityAffinities.ConditionalRows(graph, 15);
        for (int i = 0; i < 300; i++)
        {
            double sum = 0, entropy = 0;
            for (int c = 0; c < 45; c++)
            {
                double p = rows[i * 45 + c];
                sum += p;
                if (p > 0) entropy -= p * Math.Log(p);
            }
            Assert.InRange(sum, 1 - 1e-5, 1 + 1e-5);
            Assert.InRange(Math.Exp(entropy), 15 * 0.999, 15 * 1.001);
        }
    }

    [Fact]
    public void Joint_probabilities_are_symmetric_sum_to_one_and_skip_the_diagonal()
    {
        var x = SyntheticClusters.Gaussian(200, 6, seed: 3).X;
        var p = PerplexityAffinities.FromGraph(new ExactKnnIndex(x).QueryIndexed(20), 6);
        var dense = new double[200, 200];
        for (int i = 0; i < 200; i++)
        {
            for (int e = p.RowOffsets[i]; e < p.RowOffsets[i + 1]; e++)
            {
                Assert.NotEqual(i, p.Columns[e]);
                if (e > p.RowOffsets[i]) Assert.True(p.Columns[e] > p.Columns[e - 1], "columns must increase within a row");
                dense[i, p.Columns[e]] = p.Values[e];
            }
        }
        double total = 0;
        for (int i = 0; i < 200; i++)
            for (int j = 0; j < 200; j++)
            {
                total += dense[i, j];
                Assert.True(Math.Abs(dense[i, j] - dense[j, i]) < 1e-9, $"P[{i},{j}] != P[{j},{i}]");
            }
        Assert.InRange(total, 1 - 1e-5, 1 + 1e-5);
    }

    [Fact]
    public void Joint_probabilities_equal_the_halved_sum_of_both_conditional_directions()
    {
        // A graph with one-way edges, a repeated neighbour and a self edge (an approximate search may produce both):
        // P must be (p(j | i) + p(i | j)) / 2N for every pair, computed here with a dictionary, and nothing else.
        const int n = 60, k = 7;
        var random = new Random(5);
        var indices = new int[n * k];
        var distances = new float[n * k];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < k; c++)
            {
                indices[i * k + c] = c == 3 && i % 5 == 0 ? indices[i * k + 2] : c == 4 && i % 7 == 0 ? i : random.Next(n);
                distances[i * k + c] = c + (float)random.NextDouble();
            }
        var graph = new KnnGraph(indices, distances, n, k);
        var conditional = PerplexityAffinities.ConditionalRows(graph, 3);
        var expected = new Dictionary<(int, int), double>();
        for (int i = 0; i < n; i++)
            for (int c = 0; c < k; c++)
            {
                int j = indices[i * k + c];
                if (j == i) continue;
                double v = conditional[i * k + c] / (2.0 * n);
                expected[(i, j)] = expected.GetValueOrDefault((i, j)) + v;
                expected[(j, i)] = expected.GetValueOrDefault((j, i)) + v;
            }
        var p = PerplexityAffinities.Symmetrize(graph, conditional, 2);
        Assert.Equal(expected.Count, p.NonZeroCount);
        for (int i = 0; i < n; i++)
            for (int e = p.RowOffsets[i]; e < p.RowOffsets[i + 1]; e++)
            {
                if (e > p.RowOffsets[i]) Assert.True(p.Columns[e] > p.Columns[e - 1], "columns must increase within a row");
                Assert.True(expected.TryGetValue((i, p.Columns[e]), out double v), $"P[{i},{p.Columns[e]}] should be absent");
                Assert.InRange(p.Values[e], v * (1 - 1e-6), v * (1 + 1e-6));
            }
    }
}
