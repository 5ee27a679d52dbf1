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
}
