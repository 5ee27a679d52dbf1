using ScottPlot;

namespace LayerScope.Rendering.Figures;

/// <summary>Style shared by every figure, kept in one place so all figures in a report look alike.</summary>
internal static class FigureDefaults
{
    /// <summary>Preferred sans-serif fonts, first installed one wins; ScottPlot's own default is used otherwise.</summary>
    private static readonly string[] PreferredFonts = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans"];

    private static readonly Lazy<string?> Font = new(() =>
    {
        var installed = new HashSet<string>(SkiaSharp.SKFontManager.Default.GetFontFamilies(), StringComparer.OrdinalIgnoreCase);
        return PreferredFonts.FirstOrDefault(installed.Contains);
    });

    /// <summary>Returns a new plot with the shared font, the title and axis labels set (empty strings are left out).</summary>
    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        if (Font.Value is { } font) plot.Font.Set(font);
        if (title.Length > 0) plot.Title(title);
        if (xLabel.Length > 0) plot.XLabel(xLabel);
        if (yLabel.Length > 0) plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>Builds a plot with <paramref name="configure"/>, disposing it when configuration throws.</summary>
    public static Plot Build(string title, string xLabel, string yLabel, Action<Plot> configure)
    {
        var plot = NewPlot(title, xLabel, yLabel);
        try
        {
            configure(plot);
            return plot;
        }
        catch
        {
            plot.Dispose();
            throw;
        }
    }
}
