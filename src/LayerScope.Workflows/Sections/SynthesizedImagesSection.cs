using System.Globalization;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Storage;
using LayerScope.Units;

namespace LayerScope.Workflows.Sections;

/// <summary>
/// A report section stage: the input synthesized for each channel of a layer (<see cref="ActivationMaximization"/>),
/// named by its objective (one unit of the channel, or the channel's mean) and labelled with the objective before and
/// after and its ratio to the same quantity's mean over the data, so a reader sees which channels the synthesis really
/// drove (the criterion: at least <see cref="Target"/>× the mean).
/// </summary>
/// <param name="Layer">The layer.</param>
/// <param name="Images">One synthesized input per channel, [1, H, W] each.</param>
/// <param name="MeanActivation">Per channel, the mean over the data of what that channel's image raised (the unit at
/// its position, or the channel's mean over positions: <see cref="ChannelTopActivations.Mean(MaximizedInput)"/>),
/// indexed by channel.</param>
public sealed record SynthesizedImagesSection(string Layer, IReadOnlyList<MaximizedInput> Images, IReadOnlyList<double> MeanActivation)
{
    /// <summary>The folder, inside the output, of the PNG ("synthesized").</summary>
    public string Folder { get; init; } = "synthesized";

    /// <summary>The file's name stem; null for the layer's name.</summary>
    public string? FileStem { get; init; }

    /// <summary>The grey range the images are drawn over (the input's valid range).</summary>
    public (double Minimum, double Maximum) GreyRange { get; init; } = (0, 1);

    /// <summary>Tiles per row.</summary>
    public int Columns { get; init; } = 12;

    /// <summary>The multiple of the mean activation a synthesis should reach.</summary>
    public double Target { get; init; } = 10;

    /// <summary>The objective after synthesis over the channel's mean; NaN when the mean is not positive (a channel
    /// that is off on all data has no meaningful ratio).</summary>
    public double Ratio(MaximizedInput image)
    {
        ArgumentNullException.ThrowIfNull(image);
        double mean = MeanActivation[(int)image.Channel];
        return mean > 0 ? image.ObjectiveAfter / mean : double.NaN;
    }

    /// <summary>Share of the channels whose synthesis reaches <see cref="Target"/>× their mean; channels with no
    /// positive mean count as not reached.</summary>
    public double FractionReached => Images.Count == 0 ? double.NaN : Images.Count(i => Ratio(i) >= Target) / (double)Images.Count;

    public ImageGridData Grid()
    {
        var tiles = Images.Select(i =>
        {
            var (grey, h, w) = i.GreyPlane();
            double ratio = Ratio(i);
            string times = double.IsNaN(ratio) ? "" : string.Create(CultureInfo.InvariantCulture, $" {ratio:0.0}×");
            string label = string.Create(CultureInfo.InvariantCulture, $"c{i.Channel} {i.ObjectiveBefore:0.0}→{i.ObjectiveAfter:0.0}{times}");
            return new ImageTile(ImageGridData.Matrix(grey, h, w), label);
        }).ToList();
        return new ImageGridData($"{Layer}: inputs synthesized to raise each channel's {ObjectiveName}", tiles, Columns) { GreyRange = GreyRange };
    }

    /// <summary>The images' objective in words ("unit (14, 14)", "channel mean"), or a list when they differ.</summary>
    public string ObjectiveName => string.Join(" / ", Images.Select(i => i.ObjectiveName).Distinct());

    /// <summary>Draws the grid, writes <c>{Folder}/{Layer}.png</c> and adds it to <paramref name="report"/>.</summary>
    public byte[] AddTo(ReportBuilder report, StagedDirectory output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var grid = Grid();
        var png = new ImageGridFigure().RenderPng(grid, ImageGridFigure.SizeFor(grid, 64));
        AtomicFile.WriteAllBytes(output.File(Folder, $"{FileStem ?? Layer}.png"), png);
        bool unit = Images.Count > 0 && Images.All(i => i.Position is not null);
        string what = unit
            ? $"the activation of one unit of each channel of '{Layer}', the {ObjectiveName} (as the Deep Visualization Toolbox does)"
            : $"each channel's mean activation over all positions of '{Layer}'";
        string reference = unit ? "that unit's mean over the test images (the same position, averaged over the images)" : "the channel's mean over the test images";
        report.AddImage(string.Create(CultureInfo.InvariantCulture,
            $"Inputs synthesized by gradient ascent to raise {what} (L2 decay, blur, pixel clipping, jitter, "
            + $"decorrelated Fourier parameterization). Under each: channel, objective ({ObjectiveName}) at the start → after, and that as a multiple of "
            + $"{reference}. {FractionReached:P0} of the {Images.Count} channels reach {Target:0}× their mean."), png);
        return png;
    }
}
