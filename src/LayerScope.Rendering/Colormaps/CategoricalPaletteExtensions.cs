using ScottPlot;

namespace LayerScope.Rendering.Colormaps;

/// <summary>Helpers every <see cref="ICategoricalPalette"/> gets for free.</summary>
public static class CategoricalPaletteExtensions
{
    /// <summary>Returns the colors of categories 0..<paramref name="count"/>-1.</summary>
    public static Color[] GetColors(this ICategoricalPalette palette, int count)
    {
        ArgumentNullException.ThrowIfNull(palette);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var colors = new Color[count];
        for (var i = 0; i < count; i++) colors[i] = palette.GetColor(i);
        return colors;
    }

    /// <summary>Returns the color of category <paramref name="index"/> as a CSS hex string such as <c>#1F77B4</c>,
    /// for HTML that colors text or swatches to match a figure.</summary>
    public static string GetCssColor(this ICategoricalPalette palette, int index)
    {
        ArgumentNullException.ThrowIfNull(palette);
        var c = palette.GetColor(index);
        return $"#{c.R:X2}{c.G:X2}{c.B:X2}";
    }
}
