using System.Globalization;
using System.Text.RegularExpressions;
using LayerScope.Rendering.Colormaps;

namespace LayerScope.Viewer.Tests;

/// <summary>A class has one color in the viewer and in the PNG figures: the viewer's category palette
/// (web/src/colors.ts) is the figures' <see cref="Category10Palette"/>, color for color, in the same order.</summary>
public sealed class PaletteAgreementTests
{
    private static string ColorsTs => Path.Combine(Browser.WebDirectory, "src", "colors.ts");

    /// <summary>The hex strings of <c>CATEGORY_PALETTE_HEX = [ ... ]</c> in colors.ts, in order.</summary>
    private static string[] ViewerPalette()
    {
        var source = File.ReadAllText(ColorsTs);
        var list = Regex.Match(source, @"CATEGORY_PALETTE_HEX\b[^=]*=\s*\[(?<items>[^\]]*)\]");
        Assert.True(list.Success, $"{ColorsTs} no longer declares CATEGORY_PALETTE_HEX = [ ... ]: update this test with it.");
        return Regex.Matches(list.Groups["items"].Value, "\"(#[0-9A-Fa-f]{6})\"").Select(m => m.Groups[1].Value).ToArray();
    }

    [Fact]
    public void The_viewer_colors_class_k_as_the_PNG_figures_do()
    {
        var viewer = ViewerPalette();

        Assert.Equal(Category10Palette.Count, viewer.Length);
        for (var k = 0; k < viewer.Length; k++)
        {
            var color = Category10Palette.Instance.GetColor(k);
            var rgb = int.Parse(viewer[k].AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            Assert.True(
                (color.R, color.G, color.B) == ((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb),
                $"class {k}: the viewer draws {viewer[k]}, the PNG figures #{color.R:x2}{color.G:x2}{color.B:x2}");
        }
    }

    [Fact]
    public void Both_palettes_cycle_after_their_last_color()
    {
        // The viewer's rule (code % length) is unit-tested in web/unit/colors.test.ts; this is the figures' side.
        var count = Category10Palette.Count;
        Assert.Equal(Category10Palette.Instance.GetColor(0), Category10Palette.Instance.GetColor(count));
        Assert.Equal(Category10Palette.Instance.GetColor(3), Category10Palette.Instance.GetColor(count + 3));
        Assert.Matches(@"code\s*%\s*CATEGORY_PALETTE\.length", File.ReadAllText(ColorsTs));
    }
}
