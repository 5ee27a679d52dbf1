using System.Globalization;
using System.Text.RegularExpressions;
using LayerScope.Errors;
using LayerScope.Reduction;
using LayerScope.Reduction.Quality;
using LayerScope.Rendering;
using LayerScope.Rendering.Html;
using LayerScope.Workflows.Sections;
using LayerScope.Testing;

namespace LayerScope.Tests.Rendering;

public sealed partial class EmbeddingScatterSectionTests
{
    [GeneratedRegex(@"Trustworthiness (\d\.\d{3}) \(k = (\d+)\) · (\d+)-NN label accuracy (\d\.\d{3})")]
    private static partial Regex CaptionFigures();

    /// <summary>Four clusters in 20-D, and a 2-D "embedding" that keeps two coordinates and throws every fifth point
    /// somewhere else: neither figure is near 1, so a wrong k or a swapped metric would show in the numbers.</summary>
    private static (DenseMatrix Input, DenseMatrix Embedding, int[] Labels) KnownCase()
    {
        var (x, labels) = SyntheticClusters.Gaussian(300, 20, clusters: 4, separation: 3, seed: 4);
        var random = new Random(2);
        var embedding = DenseMatrix.Zeros(x.Rows, 2);
        for (int i = 0; i < x.Rows; i++)
            for (int c = 0; c < 2; c++)
                embedding[i, c] = x[i, c] + (float)(i % 5 == 0 ? 6 * SyntheticClusters.Normal(random) : 0);
        return (x, embedding, labels);
    }

    [Fact]
    public void A_second_colouring_reusing_the_measured_neighbourhood_gets_the_figures_a_full_evaluation_gives()
    {
        var (x, embedding, labels) = KnownCase();
        var other = labels.Select((l, i) => (l + i) % 3).ToArray();
        var quality = new QualityOptions { K = 7, KlDivergence = false, Seed = 3, SampleSize = 200 };
        var first = EmbeddingScatterSection.Create(new EmbeddingScatterSectionOptions { Input = x, Embedding = embedding, Labels = labels, Quality = quality });

        var second = EmbeddingScatterSection.Create(new EmbeddingScatterSectionOptions
        {
            Input = x, Embedding = embedding, Labels = other, Quality = quality, Neighborhood = first.Quality,
        });

        Assert.True(first.Quality.Subsampled);
        Assert.Equal(EmbeddingQuality.Evaluate(x, embedding, other, quality), second.Quality);
    }

    [Fact]
    public void The_caption_and_title_carry_the_same_trustworthiness_and_label_accuracy_as_EmbeddingQuality()
    {
        var (x, embedding, labels) = KnownCase();
        var quality = new QualityOptions { K = 7, KlDivergence = false, Seed = 3 };
        var section = EmbeddingScatterSection.Create(new EmbeddingScatterSectionOptions
        {
            Input = x, Embedding = embedding, Labels = labels, Title = "layer fc1: t-SNE", AxisName = "t-SNE",
            Caption = "The layer's activations", Quality = quality, Size = new FigureSize(400, 300),
        });
        var expected = EmbeddingQuality.Evaluate(x, embedding, labels, quality);

        Assert.Equal(expected, section.Quality);
        Assert.InRange(expected.Trustworthiness, 0.5, 0.99);
        Assert.InRange(expected.LabelAccuracy!.Value, 0.3, 0.99);
        var match = CaptionFigures().Match(section.Caption);
        Assert.True(match.Success, section.Caption);
        Assert.Equal(expected.Trustworthiness.ToString("0.000", CultureInfo.InvariantCulture), match.Groups[1].Value);
        Assert.Equal("7", match.Groups[2].Value);
        Assert.Equal("7", match.Groups[3].Value);
        Assert.Equal(expected.LabelAccuracy!.Value.ToString("0.000", CultureInfo.InvariantCulture), match.Groups[4].Value);
        Assert.StartsWith("The layer's activations. Trustworthiness", section.Caption, StringComparison.Ordinal);
        // The figure says it too: its title's second line is the quality line.
        Assert.Equal($"layer fc1: t-SNE\n{section.QualityLine}", section.Data.Title);
        Assert.Equal(section.QualityLine, char.ToLowerInvariant(match.Value[0]) + match.Value[1..]);
        PngAssert.DecodesToNonBlank(section.Png, 400, 300);

        var html = section.AddTo(new ReportBuilder("r")).Build();
        Assert.Contains($"<figcaption>{HtmlText.Escape(section.Caption)}</figcaption>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_labels_only_trustworthiness_is_given_and_a_sample_is_named()
    {
        var (x, embedding, _) = KnownCase();
        var section = EmbeddingScatterSection.Create(new EmbeddingScatterSectionOptions
        {
            Input = x, Embedding = embedding, Quality = new QualityOptions { KlDivergence = false, SampleSize = 100 }, Size = new FigureSize(300, 200),
        });
        Assert.Null(section.Quality.LabelAccuracy);
        Assert.True(section.Quality.Subsampled);
        Assert.DoesNotContain("accuracy", section.Caption, StringComparison.Ordinal);
        Assert.Equal(
            $"Trustworthiness {section.Quality.Trustworthiness.ToString("0.000", CultureInfo.InvariantCulture)} (k = 10) (estimated on a random 100 of 300 points).",
            section.Caption);
        Assert.Equal(section.QualityLine, section.Data.Title);
    }

    [Fact]
    public void Settings_that_do_not_fit_are_reported_together_by_their_names()
    {
        var (x, embedding, labels) = KnownCase();
        var error = Assert.Throws<InvalidSettingsException>(() => EmbeddingScatterSection.Create(new EmbeddingScatterSectionOptions
        {
            Input = x.SelectRows(Enumerable.Range(0, 200).ToArray()), Embedding = embedding, Labels = labels[..10],
        }));
        Assert.Equal(2, error.Problems.Count);
        Assert.Contains("EmbeddingScatterSectionOptions.Embedding has 300 rows but EmbeddingScatterSectionOptions.Input has 200", error.Message, StringComparison.Ordinal);
        Assert.Contains("EmbeddingScatterSectionOptions.Labels has 10 entries for 300 points", error.Message, StringComparison.Ordinal);
    }
}
