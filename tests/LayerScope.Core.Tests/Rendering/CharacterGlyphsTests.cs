using LayerScope.Rendering;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.PlotData;
using SkiaSharp;

namespace LayerScope.Tests.Rendering;

public sealed class CharacterGlyphsTests
{
    [Fact]
    public void Characters_that_draw_nothing_get_a_visible_stand_in()
    {
        Assert.Equal("␣", CharacterGlyphs.Display(' '));
        Assert.Equal("↵", CharacterGlyphs.Display('\n'));
        Assert.Equal("⇥", CharacterGlyphs.Display('\t'));
        Assert.Equal("CR", CharacterGlyphs.Display('\r'));
        Assert.Equal("NUL", CharacterGlyphs.Display('\0'));
        Assert.Equal("ESC", CharacterGlyphs.Display('\u001B'));
        Assert.Equal("DEL", CharacterGlyphs.Display('\u007F'));
        Assert.Equal("⍽", CharacterGlyphs.Display('\u00A0'));
        Assert.Equal("U+200B", CharacterGlyphs.Display('\u200B'));  // zero-width space
        Assert.Equal("U+0085", CharacterGlyphs.Display('\u0085'));  // C1 next line
        Assert.Equal("U+D83D", CharacterGlyphs.Display('\uD83D'));  // half of a pair draws nothing alone
    }

    [Fact]
    public void Printable_characters_are_themselves_and_labels_have_one_entry_per_code_unit()
    {
        foreach (var c in "az{}()\"'<>&é€λ") Assert.Equal(c.ToString(), CharacterGlyphs.Display(c));
        Assert.Equal(["i", "f", "␣", "(", "a", ")", "↵"], CharacterGlyphs.Labels("if (a)\n"));
        Assert.Empty(CharacterGlyphs.Labels(""));
    }

    [Fact]
    public void Every_stand_in_is_in_the_font_the_figures_draw_tick_labels_with()
    {
        // A glyph the font lacks is drawn as an empty box: ask the font of a real figure's character axis.
        using var plot = new HeatmapFigure().BuildPlot(new HeatmapData(new double[1, 1], "", "r", "c", "v"));
        var family = plot.Axes.Bottom.TickLabelStyle.FontName;
        using var typeface = SKTypeface.FromFamilyName(family);
        Assert.Equal(family, typeface.FamilyName);
        using var font = new SKFont(typeface, 24);
        foreach (var glyph in new[] { CharacterGlyphs.Space, CharacterGlyphs.Newline, CharacterGlyphs.Tab, CharacterGlyphs.NoBreakSpace })
            Assert.True(font.ContainsGlyphs(glyph), $"{family} has no glyph for {glyph}");
    }
}
