using System.Globalization;
using LayerScope.Data.Images;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Storage;
using LayerScope.Units;

namespace LayerScope.Workflows.Sections;

/// <summary>The two figures of a <see cref="TopActivationsSection"/>.</summary>
/// <param name="ImagesPng">Whole images with the receptive field of the strongest unit outlined.</param>
/// <param name="PatchesPng">The receptive-field patches alone (padding drawn grey).</param>
public sealed record TopActivationsFigures(byte[] ImagesPng, byte[] PatchesPng);

/// <summary>
/// A report section stage: for every channel of a layer, the k images that excite it most (one row per channel,
/// strongest first), each with the receptive field of its strongest position: outlined on the whole image, and cut
/// out as a patch (<see cref="ReceptivePatch"/>), as in the Deep Visualization Toolbox.
/// </summary>
/// <param name="Top">The scan of the layer (<see cref="UnitScan"/>).</param>
/// <param name="Images">The scanned images, in scan order (example i of the scan is image i).</param>
/// <param name="Field">The layer's receptive field, equal on both axes (<see cref="ReceptiveField.Of"/>).</param>
public sealed record TopActivationsSection(ChannelTopActivations Top, LabeledImages Images, ReceptiveField Field)
{
    /// <summary>The folder, inside the output, of the PNG files ("top-images").</summary>
    public string Folder { get; init; } = "top-images";

    /// <summary>The grid of whole images with boxes and, when <paramref name="patches"/>, of patches alone.</summary>
    public ImageGridData Grid(bool patches)
    {
        if (Top.Examples > Images.Count)
            throw new InvalidOperationException($"The scan of '{Top.Layer}' saw {Top.Examples} examples but {Images.Count} images were given.");
        var tiles = new List<ImageTile>();
        for (int c = 0; c < Top.Channels; c++)
        {
            var hits = Top.Top(c);
            for (int k = 0; k < Top.K; k++)
            {
                if (k >= hits.Count) { tiles.Add(new ImageTile(new double[1, 1] { { double.NaN } }, "")); continue; }
                var hit = hits[k];
                string label = string.Create(CultureInfo.InvariantCulture, $"{(k == 0 ? $"c{c} " : "")}#{hit.Example} {hit.Activation:0.0}");
                int top = Field.FirstFor(hit.Row), left = Field.FirstFor(hit.Column);
                if (patches)
                {
                    var patch = ReceptivePatch.Extract(Images.Image(hit.Example), 1, Images.Height, Images.Width, Field, Field, hit.Row, hit.Column);
                    tiles.Add(new ImageTile(ImageGridData.Matrix(patch.Values, patch.Rows, patch.Columns), label));
                }
                else
                {
                    tiles.Add(new ImageTile(ImageGridData.Matrix(Images.Image(hit.Example), Images.Height, Images.Width), label,
                        new TileBox(top, left, Field.Size, Field.Size)));
                }
            }
        }
        string what = patches ? $"receptive-field patches ({Field.Size}×{Field.Size})" : "images, receptive field outlined";
        return new ImageGridData($"{Top.Layer}: top {Top.K} test {what}, one row per channel", tiles, Top.K);
    }

    /// <summary>Draws both grids, writes <c>{Folder}/{layer}-images.png</c> and <c>{Folder}/{layer}-patches.png</c>
    /// and adds them to <paramref name="report"/>.</summary>
    public TopActivationsFigures AddTo(ReportBuilder report, StagedDirectory output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var figure = new ImageGridFigure();
        var images = Grid(patches: false);
        var patches = Grid(patches: true);
        var figures = new TopActivationsFigures(figure.RenderPng(images, ImageGridFigure.SizeFor(images, 56)), figure.RenderPng(patches, ImageGridFigure.SizeFor(patches, 56)));
        AtomicFile.WriteAllBytes(output.File(Folder, $"{Top.Layer}-images.png"), figures.ImagesPng);
        AtomicFile.WriteAllBytes(output.File(Folder, $"{Top.Layer}-patches.png"), figures.PatchesPng);
        string lead = $"The {Top.K} of {Top.Examples:N0} test images whose largest activation in each channel of '{Top.Layer}' is highest "
            + "(one row per channel, strongest first; under each: image number and that activation)";
        report.AddImage($"{lead}. The red box is the receptive field ({Field.Size}×{Field.Size} pixels) of the strongest position.", figures.ImagesPng);
        report.AddImage($"{lead}: the receptive-field patches alone, grey where the field reaches into the padding.", figures.PatchesPng);
        return figures;
    }
}
