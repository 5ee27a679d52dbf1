using LayerScope.Arrays;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Storage;
using LayerScope.Testing;
using LayerScope.Workflows.Sections;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Workflows;

/// <summary>The CNN demo's relevance section on a tiny CNN trained on a task whose evidence is known: a bright 4×4
/// square on the left half of a 12×12 image is class 0, on the right half class 1.</summary>
public sealed class RelevanceMapsSectionTests
{
    private const int Size = 12;

    private static (float[] Pixels, long[] Labels) Squares(int count, int seed)
    {
        var random = new Random(seed);
        // A faint noisy background: with exact zeros, any input-times-something map would rank-correlate across models
        // through the zeros alone (Adebayo et al. 2018 make the same point about gradient × input).
        var pixels = Enumerable.Range(0, count * Size * Size).Select(_ => (float)(0.3 * random.NextDouble())).ToArray();
        var labels = new long[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = n % 2;
            int x0 = labels[n] == 0 ? random.Next(0, 2) : random.Next(6, 8), y0 = random.Next(0, Size - 4);
            for (int y = y0; y < y0 + 4; y++)
                for (int x = x0; x < x0 + 4; x++) pixels[n * Size * Size + y * Size + x] = 1;
        }
        return (pixels, labels);
    }

    private static nn.Module<Tensor, Tensor> Cnn() => nn.Sequential(("conv", nn.Conv2d(1, 4, 3, padding: 1)), ("relu", nn.ReLU()), ("pool", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()), ("fc", nn.Linear(4 * 6 * 6, 2)));

    [Fact]
    public void Maps_sit_on_the_evidence_and_the_quality_table_tells_trained_from_random()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var model = Cnn();
        var (pixels, labels) = Squares(200, 1);
        var x = tensor(pixels, [200, 1, Size, Size]);
        var y = tensor(labels);
        var optimizer = optim.Adam(model.parameters(), 0.02);
        for (int step = 0; step < 60; step++)
        {
            optimizer.zero_grad();
            using var loss = nn.functional.cross_entropy(model.call(x), y);
            loss.backward();
            optimizer.step();
        }
        manual_seed(6);
        var randomized = Cnn();
        var examples = Enumerable.Range(0, 2).Select(i => new FeatureMapExample(i, pixels.AsSpan(i * Size * Size, Size * Size).ToArray(), Size, Size,
            $"{labels[i]}", labels[i] == 0 ? [0.99, 0.01] : [0.01, 0.99])).ToList();
        using var folder = new TemporaryFolder();
        using var output = StagedDirectory.Create(folder.File("out"), "report.html");
        var section = new RelevanceMapsSection(model, randomized, examples, new Float32Array("images", pixels, [200, 1, Size, Size]), ["left", "right"])
        {
            Methods = ["lrp-epsilon", "gradient-x-input"], QualityImages = 16,
        };

        var result = section.AddTo(new ReportBuilder("t"), output);

        Assert.Equal(2 * 3, result.Grid.Tiles.Count);
        Assert.Equal(TileColoring.Diverging, result.Grid.Coloring);
        Assert.True(File.Exists(output.File("relevance/relevance-maps.png")));
        // LRP's positive relevance toward the true class lies on the square (16 of 144 pixels).
        for (int e = 0; e < 2; e++)
        {
            var map = RelevanceMapsSection.PixelMap(result.Maps[e][0].Relevance, 0, Size, Size);
            double onSquare = 0, total = 0;
            for (int r = 0; r < Size; r++)
                for (int c = 0; c < Size; c++)
                {
                    double positive = Math.Max(0, map[r, c]);
                    total += positive;
                    if (pixels[e * Size * Size + r * Size + c] == 1f) onSquare += positive;
                }
            Assert.True(onSquare > 0.6 * total, $"image {e}: {onSquare / total:P0} of the positive relevance on the square");
        }
        Assert.Equal(["lrp-epsilon", "gradient-x-input"], result.Quality.Select(q => q.Method));
        Assert.All(result.Quality, q => Assert.True(q.DeletionAreaBetween > 0, $"{q.Method}: deletion area {q.DeletionAreaBetween:F3}"));
        Assert.All(result.Quality, q => Assert.True(q.RandomizationRankCorrelation < 0.8, $"{q.Method}: rank correlation with a random model {q.RandomizationRankCorrelation:F3}"));
    }
}
