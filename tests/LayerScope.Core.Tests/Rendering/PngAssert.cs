using SkiaSharp;

namespace LayerScope.Tests.Rendering;

/// <summary>Checks on rendered PNG bytes: they decode, have the requested size and are not blank.</summary>
internal static class PngAssert
{
    /// <summary>Decodes <paramref name="png"/> and asserts its size and that it has more than one distinct color.</summary>
    public static void DecodesToNonBlank(byte[] png, int width, int height)
    {
        Assert.NotNull(png);
        using var bitmap = SKBitmap.Decode(png);
        Assert.True(bitmap is not null, "The bytes do not decode as an image.");
        Assert.Equal(width, bitmap.Width);
        Assert.Equal(height, bitmap.Height);
        var colors = DistinctColors(bitmap);
        Assert.True(colors > 1, $"The image is blank: {colors} distinct color(s).");
    }

    /// <summary>Returns the number of distinct pixel colors.</summary>
    public static int DistinctColors(SKBitmap bitmap)
    {
        var seen = new HashSet<uint>();
        foreach (var pixel in bitmap.Pixels) seen.Add((uint)pixel);
        return seen.Count;
    }

    /// <summary>Returns how many pixels are within <paramref name="tolerance"/> of <paramref name="color"/> per channel.</summary>
    public static int CountNear(byte[] png, ScottPlot.Color color, int tolerance = 12)
    {
        using var bitmap = SKBitmap.Decode(png);
        var count = 0;
        foreach (var p in bitmap.Pixels)
        {
            if (Math.Abs(p.Red - color.R) <= tolerance && Math.Abs(p.Green - color.G) <= tolerance && Math.Abs(p.Blue - color.B) <= tolerance)
                count++;
        }
        return count;
    }
}
