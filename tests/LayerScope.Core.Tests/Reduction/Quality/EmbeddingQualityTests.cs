using LayerScope.Reduction.Tsne;
using LayerScope.Reduction.Pca;
using LayerScope.Errors;
using LayerScope.Reduction;
using LayerScope.Reduction.Quality;
using LayerScope.Testing;

namespace LayerScope.Tests.Reduction.Quality;

public class EmbeddingQualityTests
{
    /// <summary>scikit-learn's definition, computed naively: ranks from full sorts.</summary>
    private static double NaiveTrustworthiness(DenseMatrix high, DenseMatrix low, int k)
    {
        int n = high.Rows;
        double Distance(DenseMatrix m, int a, int b)
        {
            double s = 0;
            for (int c = 0; c < m.Columns; c++) s += Math.Pow(m[a, c] - m[b, c], 2);
            return s;
        }
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            var highOrder = Enumerable.Range(0, n).Where(j => j != i).OrderBy(j => Distance(high, i, j)).ThenBy(j => j).ToList();
            var lowNeighbours = Enumerable.Range(0, n).Where(j => j != i).OrderBy(j => Distance(low, i, j)).ThenBy(j => j).Take(k);
            var highNeighbours = highOrder.Take(k).ToHashSet();
            foreach (int j in lowNeighbours)
                if (!highNeighbours.Contains(j)) sum += highOrder.IndexOf(j) + 1 - k;
        }
        return 1 - 2.0 / (n * k * (2.0 * n - 3 * k - 1)) * sum;
    }

    [Fact]
    public void Trustworthiness_equals_the_definition_and_is_one_for_an_isometry()
    {
        var high = SyntheticClusters.Gaussian(150, 6, clusters: 3, separation: 2, seed: 1).X;
        var low = PcaReducer.Fit(high, new LayerScope.Reduction.Pca.PcaOptions { Components = 2 }).Transform(high);
        var report = EmbeddingQuality.Evaluate(high, low, options: new QualityOptions { K = 5, KlDivergence = false });
        double expected = NaiveTrustworthiness(high, low, 5);
        Assert.True(Math.Abs(report.Trustworthiness - expected) < 1e-9, $"trustworthiness {report.Trustworthiness}, definition {expected}");
        Assert.False(report.Subsampled);

        var same = EmbeddingQuality.Evaluate(high, high, options: new QualityOptions { K = 5, KlDivergence = false });
        Assert.Equal(1.0, same.Trustworthiness, 9);
        Assert.Equal(1.0, same.NeighborRecall, 9);
    }

    [Fact]
    public void Large_inputs_are_sampled_and_say_so()
    {
        var (x, labels) = SyntheticClusters.Gaussian(1200, 5, clusters: 4, separation: 5, seed: 2);
        var report = EmbeddingQuality.Evaluate(x, x.SelectRows(Enumerable.Range(0, 1200).ToArray()), labels,
            new QualityOptions { SampleSize = 300, KlDivergence = false });
        Assert.True(report.Subsampled);
        Assert.Equal(300, report.SampleSize);
        Assert.Equal(1.0, report.LabelAccuracy);
    }

    [Fact]
    public void Kl_divergence_of_a_tsne_embedding_matches_the_optimizer_report()
    {
        var x = SyntheticClusters.Gaussian(500, 10, clusters: 5, separation: 3, seed: 3).X;
        var embedding = TsneReducer.Fit(x, new LayerScope.Reduction.Tsne.TsneOptions { Iterations = 300, Perplexity = 20 });
        var report = EmbeddingQuality.Evaluate(x, embedding.Positions, options: new QualityOptions { Perplexity = 20 });
        Assert.NotNull(report.KlDivergence);
        Assert.True(Math.Abs(report.KlDivergence!.Value - embedding.KlDivergence) < 0.05,
            $"quality KL {report.KlDivergence} vs optimizer KL {embedding.KlDivergence}");
    }

    [Fact]
    public void Mismatched_labels_and_embeddings_are_clear_errors()
    {
        var x = SyntheticClusters.Uniform(50, 3);
        var error = Assert.Throws<InvalidSettingsException>(() => EmbeddingQuality.Evaluate(x, SyntheticClusters.Uniform(40, 2), [1, 2, 3]));
        Assert.Contains("the embedding has 40 points; the input has 50", error.Message);
        Assert.Contains("there are 3 labels for 50 points", error.Message);
    }
}
