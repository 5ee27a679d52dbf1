using System.Globalization;
using LayerScope.Arrays;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Storage;

namespace LayerScope.Workflows.Sections;

/// <summary>One input whose feature maps are drawn, with what the model made of it.</summary>
/// <param name="Index">Its index in the data set (test image 17).</param>
/// <param name="Pixels">Grey levels, <paramref name="Height"/> × <paramref name="Width"/> row-major, in 0..1.</param>
/// <param name="Height">Rows of the image.</param>
/// <param name="Width">Columns of the image.</param>
/// <param name="Truth">Its true class.</param>
/// <param name="Probabilities">The model's class probabilities (softmax of the logits), in class order.</param>
public sealed record FeatureMapExample(int Index, float[] Pixels, int Height, int Width, string Truth, double[] Probabilities);

/// <summary>
/// A report section stage, the Deep Visualization Toolbox's main pane (Yosinski et al. 2015): for each chosen input,
/// every channel of a convolutional layer as a small heatmap beside the input, with the input's class scores in the
/// caption. Each map is colored over its own range, so a weak channel's pattern is visible; the caption says so.
/// </summary>
/// <param name="Layer">The layer's name.</param>
/// <param name="Maps">The layer's output for the examples, [examples, C, H, W], in <paramref name="Examples"/>' order.</param>
/// <param name="Examples">The inputs.</param>
/// <param name="ClassNames">Names of the classes, in the probabilities' order.</param>
public sealed record FeatureMapsSection(string Layer, Float32Array Maps, IReadOnlyList<FeatureMapExample> Examples, IReadOnlyList<string> ClassNames)
{
    /// <summary>The folder, inside the output, of the PNG files ("feature-maps").</summary>
    public string Folder { get; init; } = "feature-maps";

    /// <summary>Channel tiles per row (the input takes the first place).</summary>
    public int Columns { get; init; } = 12;

    /// <summary>What an example is, in captions ("Test image").</summary>
    public string ExampleName { get; init; } = "Test image";

    /// <summary>The files' name stem; null for the layer's name (an ONNX tensor's name is no file name).</summary>
    public string? FileStem { get; init; }

    /// <summary>The input tile's grey range (0..1 for pixels).</summary>
    public (double Minimum, double Maximum) GreyRange { get; init; } = (0, 1);

    /// <summary>Class scores named in each caption, highest first.</summary>
    public int ScoresShown { get; init; } = 3;

    /// <summary>The grid of example <paramref name="slot"/>: the input (grey), then channel 0, 1, ….</summary>
    public ImageGridData Grid(int slot)
    {
        if (Maps.Shape.Length != 4 || Maps.Shape[0] != Examples.Count)
            throw new InvalidOperationException($"Maps of '{Layer}' are {Maps.ShapeText}; expected [{Examples.Count}, C, H, W], one per example.");
        var example = Examples[slot];
        int channels = (int)Maps.Shape[1], rows = (int)Maps.Shape[2], columns = (int)Maps.Shape[3];
        var tiles = new List<ImageTile> { new(ImageGridData.Matrix(example.Pixels, example.Height, example.Width), "input", Coloring: TileColoring.Grey) };
        var maps = Maps.Example(slot);
        for (int c = 0; c < channels; c++)
            tiles.Add(new ImageTile(ImageGridData.Matrix(maps.Slice(c * rows * columns, rows * columns), rows, columns), $"{c}"));
        return new ImageGridData($"{Layer}: feature maps of {ExampleName.ToLowerInvariant()} {example.Index}", tiles, Columns) { Coloring = TileColoring.HeatPerTile, GreyRange = GreyRange };
    }

    /// <summary>"true Coat; scores Coat 0.931, Shirt 0.052, Pullover 0.011".</summary>
    public string Scores(int slot)
    {
        var example = Examples[slot];
        if (example.Probabilities.Length == 0) return "";
        var top = example.Probabilities.Select((p, k) => (p, k)).OrderByDescending(t => t.p).Take(ScoresShown)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{(t.k < ClassNames.Count ? ClassNames[t.k] : t.k.ToString(CultureInfo.InvariantCulture))} {t.p:0.000}"));
        return $"true {example.Truth}; scores {string.Join(", ", top)}";
    }

    /// <summary>Draws one grid per example, writes each as <c>{Folder}/{Layer}-image-{index}.png</c> and adds them to
    /// <paramref name="report"/>; returns the PNGs in example order.</summary>
    public IReadOnlyList<byte[]> AddTo(ReportBuilder report, StagedDirectory output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var figure = new ImageGridFigure();
        var pngs = new List<byte[]>();
        for (int slot = 0; slot < Examples.Count; slot++)
        {
            var grid = Grid(slot);
            var png = figure.RenderPng(grid, ImageGridFigure.SizeFor(grid, 64));
            AtomicFile.WriteAllBytes(output.File(Folder, $"{FileStem ?? Layer}-image-{Examples[slot].Index}.png"), png);
            string scores = Scores(slot) is { Length: > 0 } text ? $" ({text})" : "";
            report.AddImage($"{ExampleName} {Examples[slot].Index}{scores} and its {Maps.Shape[1]} feature maps in '{Layer}' "
                + "(channel number under each; every map is colored over its own range, dark = its lowest value).", png);
            pngs.Add(png);
        }
        return pngs;
    }
}
