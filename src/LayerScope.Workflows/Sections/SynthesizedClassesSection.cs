using System.Globalization;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Storage;
using LayerScope.Units;

namespace LayerScope.Workflows.Sections;

/// <summary>One class's synthesized input and what the model makes of it.</summary>
/// <param name="Image">The synthesis (its objective is the class's logit).</param>
/// <param name="ClassName">The class.</param>
/// <param name="Probability">The softmax probability of the class for the synthesized image.</param>
/// <param name="TestMeanLogit">The class's logit averaged over the test images of that class, for scale.</param>
public sealed record SynthesizedClass(MaximizedInput Image, string ClassName, double Probability, double TestMeanLogit);

/// <summary>
/// A report section stage: for the last layer, an input synthesized for each class logit (Simonyan, Vedaldi,
/// Zisserman 2014's class model visualization, with <see cref="ActivationMaximization"/>'s regularizers), labelled
/// with the logit before → after and the probability the model then gives the class; the caption compares the logits
/// with those of real test images of the class.
/// </summary>
public sealed record SynthesizedClassesSection(string Layer, IReadOnlyList<SynthesizedClass> Classes)
{
    /// <summary>The folder of the PNG ("synthesized").</summary>
    public string Folder { get; init; } = "synthesized";

    public ImageGridData Grid()
    {
        var tiles = Classes.Select(c =>
        {
            var i = c.Image;
            var (grey, h, w) = i.GreyPlane();
            string label = string.Create(CultureInfo.InvariantCulture, $"{c.ClassName} {i.ObjectiveBefore:0.0}→{i.ObjectiveAfter:0.0} p {c.Probability:0.00}");
            return new ImageTile(ImageGridData.Matrix(grey, h, w), label);
        }).ToList();
        return new ImageGridData($"{Layer}: inputs synthesized to raise each class logit", tiles, Math.Min(5, Math.Max(1, Classes.Count)));
    }

    /// <summary>Draws the grid, writes <c>{Folder}/{Layer}-classes.png</c> and adds it to <paramref name="report"/>.</summary>
    public byte[] AddTo(ReportBuilder report, StagedDirectory output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var grid = Grid();
        var png = new ImageGridFigure().RenderPng(grid, ImageGridFigure.SizeFor(grid, 96));
        AtomicFile.WriteAllBytes(output.File(Folder, $"{Layer}-classes.png"), png);
        double medianAfter = Median(Classes.Select(c => c.Image.ObjectiveAfter)), medianTest = Median(Classes.Select(c => c.TestMeanLogit));
        int confident = Classes.Count(c => c.Probability >= 0.99);
        report.AddImage(string.Create(CultureInfo.InvariantCulture,
            $"Inputs synthesized by gradient ascent on each class logit of '{Layer}' (same regularizers as the channels above). Under each: class, "
            + $"logit at the start → after, and the probability the model gives that class for the image. Median logit after {medianAfter:0.0}, "
            + $"against {medianTest:0.0} on average for real test images of the class; {confident} of {Classes.Count} images are classified with probability ≥ 0.99."), png);
        report.AddTable(["class", "logit before", "logit after", "mean logit, test images of the class", "probability after"],
            Classes.Select(c => (IReadOnlyList<string>)[c.ClassName, Number(c.Image.ObjectiveBefore), Number(c.Image.ObjectiveAfter), Number(c.TestMeanLogit),
                c.Probability.ToString("0.000", CultureInfo.InvariantCulture)]).ToList());
        return png;
    }

    private static string Number(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
