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
/// <param name="PatchesPng">The receptive-field patches alone (padding drawn grey); null when the field is unknown.</param>
public sealed record TopActivationsFigures(byte[] ImagesPng, byte[]? PatchesPng);

/// <summary>
/// A report section stage: for every channel of a layer, the k images that excite it most (one row per channel,
/// strongest first), each with the receptive field of its strongest position: outlined on the whole image, and cut
/// out as a patch (<see cref="ReceptivePatch"/>), as in the Deep Visualization Toolbox.
/// </summary>
/// <param name="Top">The scan of the layer (<see cref="UnitScan"/>).</param>
/// <param name="Images">The scanned images, in scan order (example i of the scan is image i).</param>
/// <param name="Field">The layer's receptive field along the rows (<see cref="ReceptiveField.Of"/>), and along the
/// columns too unless <see cref="ColumnField"/> is set; null when unknown: whole images are shown, without boxes or
/// patches.</param>
public sealed record TopActivationsSection(ChannelTopActivations Top, LabeledImages Images, ReceptiveField? Field)
{
    /// <summary>The field along the columns when it differs from the rows' (an ONNX graph's geometry per axis).</summary>
    public ReceptiveField? ColumnField { get; init; }

    /// <summary>What the images are, in captions ("test images").</summary>
    public string ImagesName { get; init; } = "test images";

    private ReceptiveField? Columns => ColumnField ?? Field;

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
                if (patches && Field is not null && Columns is not null)
                {
                    var patch = ReceptivePatch.Extract(Images.Image(hit.Example), 1, Images.Height, Images.Width, Field, Columns, hit.Row, hit.Column);
                    tiles.Add(new ImageTile(ImageGridData.Matrix(patch.Values, patch.Rows, patch.Columns), label));
                }
                else
                {
                    TileBox? box = Field is null || Columns is null ? null
                        : new TileBox(Field.FirstFor(hit.Row), Columns.FirstFor(hit.Column), Field.Size, Columns.Size);
                    tiles.Add(new ImageTile(ImageGridData.Matrix(Images.Image(hit.Example), Images.Height, Images.Width), label, box));
                }
            }
        }
        string what = patches && Field is not null ? $"receptive-field patches ({FieldText})" : Field is null ? ImagesName : $"{ImagesName}, receptive field outlined";
        return new ImageGridData($"{Top.Layer}: top {Top.K} {what}, one row per channel", tiles, Top.K) { GreyRange = GreyRange };
    }

    /// <summary>The grey levels' range of <see cref="Images"/> (0..1 for pixels).</summary>
    public (double Minimum, double Maximum) GreyRange { get; init; } = (0, 1);

    private string FieldText => $"{Field!.Size}×{Columns!.Size}";

    /// <summary>Draws both grids (only the images when the field is unknown), writes <c>{Folder}/{layer}-images.png</c>
    /// and <c>{Folder}/{layer}-patches.png</c> and adds them to <paramref name="report"/>.</summary>
    public TopActivationsFigures AddTo(ReportBuilder report, StagedDirectory output) => AddTo(report, output, Top.Layer);

    /// <summary>As <see cref="AddTo(ReportBuilder, StagedDirectory)"/>, with the files named after <paramref name="fileStem"/>
    /// (an ONNX tensor's name is no file name).</summary>
    public TopActivationsFigures AddTo(ReportBuilder report, StagedDirectory output, string fileStem)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var figure = new ImageGridFigure();
        var images = Grid(patches: false);
        var imagesPng = figure.RenderPng(images, ImageGridFigure.SizeFor(images, 56));
        AtomicFile.WriteAllBytes(output.File(Folder, $"{fileStem}-images.png"), imagesPng);
        string lead = $"The {Top.K} of {Top.Examples:N0} {ImagesName} whose largest activation in each channel of '{Top.Layer}' is highest "
            + "(one row per channel, strongest first; under each: image number and that activation)";
        if (Field is null)
        {
            report.AddImage($"{lead}. The receptive field is unknown, so no box or patch is drawn.", imagesPng);
            return new TopActivationsFigures(imagesPng, null);
        }
        var patches = Grid(patches: true);
        var patchesPng = figure.RenderPng(patches, ImageGridFigure.SizeFor(patches, 56));
        AtomicFile.WriteAllBytes(output.File(Folder, $"{fileStem}-patches.png"), patchesPng);
        report.AddImage($"{lead}. The red box is the receptive field ({FieldText} pixels) of the strongest position.", imagesPng);
        report.AddImage($"{lead}: the receptive-field patches alone, grey where the field reaches into the padding.", patchesPng);
        return new TopActivationsFigures(imagesPng, patchesPng);
    }
}
