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
    public void Label_accuracy_on_a_sample_is_within_002_of_the_full_figure()
    {
        // Five overlapping 2-D clusters; the first half of the rows keep their cluster's label, the second half's
        // labels are random in 60 % of cases, so a sample that is not drawn at random (the first rows) is off by far
        // more than the tolerance, and the tolerance (about 3 standard errors of 2,000 draws) tells them apart.
        int n = 12_000;
        var random = new Random(11);
        var values = new float[n * 2];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % 5;
            values[2 * i] = (float)(3 * Math.Cos(c * 2 * Math.PI / 5) + Normal(random));
            values[2 * i + 1] = (float)(3 * Math.Sin(c * 2 * Math.PI / 5) + Normal(random));
            labels[i] = i >= n / 2 && random.NextDouble() < 0.6 ? random.Next(5) : c;
        }
        var embedding = new DenseMatrix(values, n, 2);
        var full = EmbeddingQuality.ScoreKnnLabelAccuracy(embedding, labels, sampleSize: n);
        var sampled = EmbeddingQuality.ScoreKnnLabelAccuracy(embedding, labels, sampleSize: 2_000, seed: 5);
        var firstRows = EmbeddingQuality.ScoreKnnLabelAccuracy(embedding.SelectRows(Enumerable.Range(0, 2_000).ToArray()), labels[..2_000], sampleSize: 2_000);

        Assert.False(full.Subsampled);
        Assert.Equal(n, full.SampleSize);
        Assert.True(sampled.Subsampled);
        Assert.Equal((2_000, 10, n), (sampled.SampleSize, sampled.K, sampled.Count));
        Assert.True(Math.Abs(sampled.Accuracy - full.Accuracy) <= 0.02, $"sampled {sampled.Accuracy:0.0000} vs full {full.Accuracy:0.0000}");
        Assert.True(Math.Abs(firstRows.Accuracy - full.Accuracy) > 0.1, $"first rows {firstRows.Accuracy:0.0000} vs full {full.Accuracy:0.0000}");
        Assert.Equal(sampled, EmbeddingQuality.ScoreKnnLabelAccuracy(embedding, labels, sampleSize: 2_000, seed: 5, threads: 1));
    }

    [Fact]
    public void Label_accuracy_of_chosen_points_scores_only_those_against_all_points()
    {
        // Two separated 1-D groups, labels by group; every tenth point carries the wrong label, so its neighbours outvote
        // it. Scoring only those gives 0, only clean ones 1, and all points what the score of every point gives.
        int n = 1_000;
        var values = new float[n * 2];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int group = i % 2;
            values[2 * i] = group * 100 + i * 0.01f;
            labels[i] = i % 10 == 0 ? 1 - group : group;
        }
        var embedding = new DenseMatrix(values, n, 2);

        Assert.Equal(0, EmbeddingQuality.KnnLabelAccuracyOf(embedding, labels, Enumerable.Range(0, n / 10).Select(i => 10 * i).ToArray()));
        Assert.Equal(1, EmbeddingQuality.KnnLabelAccuracyOf(embedding, labels, Enumerable.Range(0, n).Where(i => i % 10 != 0).ToArray()));
        Assert.Equal(EmbeddingQuality.KnnLabelAccuracy(embedding, labels, sampleSize: n), EmbeddingQuality.KnnLabelAccuracyOf(embedding, labels, Enumerable.Range(0, n).ToArray()));
        Assert.Throws<InvalidSettingsException>(() => EmbeddingQuality.KnnLabelAccuracyOf(embedding, labels, [n]));
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

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
