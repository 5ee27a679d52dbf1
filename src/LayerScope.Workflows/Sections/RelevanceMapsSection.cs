using System.Globalization;
using LayerScope.Arrays;
using LayerScope.Attribution;
using LayerScope.Progress;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Storage;
using LayerScope.Workflows.Explanation;
using static TorchSharp.torch;

namespace LayerScope.Workflows.Sections;

/// <summary>How well one method explains, measured on the section's quality images.</summary>
/// <param name="Method">The method's name.</param>
/// <param name="DeletionAreaBetween">Pixel flipping (Samek et al. 2017): area between the random-order and the
/// most-relevant-first deletion curves of the explained class's score; larger: the map finds what the score depends on.</param>
/// <param name="RandomizationRankCorrelation">Model randomization (Adebayo et al. 2018): mean Spearman correlation of
/// |relevance| between the trained model and the same architecture with random weights; near 1: the map explains the
/// input, not the model.</param>
public sealed record RelevanceQuality(string Method, double DeletionAreaBetween, double RandomizationRankCorrelation);

/// <summary>What the section drew and measured.</summary>
/// <param name="Grid">The chosen images (first column) and each method's map toward the predicted class.</param>
/// <param name="Maps">Per chosen image, per method, the relevance [1, C, H, W].</param>
/// <param name="Quality">One row per method.</param>
public sealed record RelevanceMapsResult(ImageGridData Grid, IReadOnlyList<IReadOnlyList<AttributionResult>> Maps, IReadOnlyList<RelevanceQuality> Quality);

/// <summary>
/// A report section stage, heatmapping.org's image demo: for each chosen image, the relevance map of every method
/// toward the class the model predicts (red for, blue against, white 0, each map over its own ± range), and a
/// table that checks the methods on the first <see cref="QualityImages"/> images of <paramref name="Images"/> by
/// pixel flipping and by the model-randomization sanity check.
/// </summary>
/// <param name="Model">The trained network (a chain of layers LRP can walk).</param>
/// <param name="RandomizedModel">The same architecture with random weights (the sanity check's reference).</param>
/// <param name="Examples">The chosen images, with what the model made of them.</param>
/// <param name="Images">Images [N, C, H, W] in 0..1; the first <see cref="QualityImages"/> are the quality sample.</param>
/// <param name="ClassNames">Names of the classes.</param>
public sealed record RelevanceMapsSection(nn.Module<Tensor, Tensor> Model, nn.Module<Tensor, Tensor> RandomizedModel,
    IReadOnlyList<FeatureMapExample> Examples, Float32Array Images, IReadOnlyList<string> ClassNames)
{
    /// <summary>The methods compared, in column order.</summary>
    public IReadOnlyList<string> Methods { get; init; } = ["lrp-epsilon", "lrp-composite", "gradient-x-input", "ig", "smoothgrad", "guided-backprop", "occlusion"];

    /// <summary>Settings of the methods (pixels lie in 0..1: the composite's z^B input rule).</summary>
    public AttributionSettings Settings { get; init; } = new(Steps: 32, SmoothGradSamples: 16, PixelRange: (0, 1));

    /// <summary>Images of the quality table.</summary>
    public int QualityImages { get; init; } = 64;

    /// <summary>The file, inside the output, of the grid ("relevance/relevance-maps.png").</summary>
    public string File { get; init; } = "relevance/relevance-maps.png";

    public RelevanceMapsResult AddTo(ReportBuilder report, StagedDirectory output, IProgress<StepProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        using var scope = NewDisposeScope();
        Model.eval();
        RandomizedModel.eval();
        var trained = new AttributionSubject(Explained(Model), Model);
        var shape = Images.Shape;
        int h = (int)shape[2], w = (int)shape[3];

        var maps = new List<IReadOnlyList<AttributionResult>>();
        var tiles = new List<ImageTile>();
        foreach (var example in Examples)
        {
            long predicted = Array.IndexOf(example.Probabilities, example.Probabilities.Max());
            var input = tensor(example.Pixels, [1, 1, example.Height, example.Width]);
            var row = Methods.Select(m => AttributionMethods.Run(m, trained, input, predicted, Settings)).ToList();
            maps.Add(row);
            tiles.Add(new ImageTile(ImageGridData.Matrix(example.Pixels, example.Height, example.Width), $"{example.Index}: {Name(predicted)}", Coloring: TileColoring.Grey));
            foreach (var result in row) tiles.Add(new ImageTile(PixelMap(result.Relevance, 0, h, w), result.Method));
            progress?.Report(new StepProgress("relevance maps", maps.Count, Examples.Count, $"image {example.Index}"));
        }
        var grid = new ImageGridData("Relevance toward the predicted class", tiles, 1 + Methods.Count) { Coloring = TileColoring.Diverging };
        var png = new ImageGridFigure().RenderPng(grid, ImageGridFigure.SizeFor(grid, 84));
        AtomicFile.WriteAllBytes(output.File(File), png);

        var quality = Quality(trained, progress);
        report.AddHeading("Which pixels drove the prediction");
        report.AddImage("Each chosen test image (left; under it its index and the predicted class) and, toward that class, the relevance map of "
            + $"each method: {string.Join(", ", Methods)}. Red pixels pushed the class score up, blue ones down, white did not matter; each map is "
            + "colored over its own ± range.", png);
        report.AddParagraph($"The methods checked on {Math.Min(QualityImages, Images.Count)} test images, each explained toward its predicted class. "
            + "Deletion: pixels set to 0 in order of decreasing relevance and in random order, 10 steps; the area between the two curves of the class "
            + "score (larger is better) is pixel flipping's figure (Samek et al. 2017). Randomization: the same method on the same architecture with "
            + "random weights; Spearman correlation of |relevance| with the trained model's (Adebayo et al. 2018: near 1 means the map does not "
            + "depend on what the model learned). Maps that multiply by the input (LRP, gradient × input, integrated gradients) are 0 on black "
            + "background pixels under any weights, which alone keeps their correlation high on Fashion-MNIST; Adebayo et al. make the same "
            + "observation about gradient × input.");
        RelevanceQualityCheck.AddTable(report, quality);
        return new RelevanceMapsResult(grid, maps, quality);
    }

    private List<RelevanceQuality> Quality(AttributionSubject trained, IProgress<StepProgress>? progress)
    {
        long count = Math.Min(QualityImages, Images.Count);
        var shape = Images.Shape;
        using var sample = tensor(Images.Values.AsSpan(0, checked((int)(count * Images.FeaturesPerExample))).ToArray(), [count, .. shape[1..]]);
        var randomized = new AttributionSubject(Explained(RandomizedModel), RandomizedModel);
        return new RelevanceQualityCheck(trained, randomized, Settings).Measure(Methods, sample, progress);
    }

    /// <summary>Example <paramref name="e"/>'s relevance summed over channels, as an H × W tile.</summary>
    public static double[,] PixelMap(Float32Array relevance, long e, int h, int w)
    {
        var values = relevance.Example(e);
        int channels = values.Length / (h * w);
        var map = new double[h, w];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) map[y, x] += values[(c * h + y) * w + x];
        return map;
    }

    private static ExplainedModel Explained(nn.Module<Tensor, Tensor> model) => new(new ModuleDifferentiableModel(model), ModuleDifferentiableModel.OutputName);

    private string Name(long k) => k < ClassNames.Count ? ClassNames[(int)k] : k.ToString(CultureInfo.InvariantCulture);
}
