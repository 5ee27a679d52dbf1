using SkiaSharp;

namespace LayerScope.Rendering.Images;

/// <summary>
/// Grey images laid out as the TensorBoard projector's sprite: a square grid of ⌈√N⌉ columns, image i in row i / columns,
/// column i mod columns, each image its own width × height, the sheet square (as TensorFlow's projector guide lays it out) and the unused cells transparent. Grey levels are scaled by the
/// largest value (0–1 and 0–255 data both come out full range), white for the largest.
/// </summary>
public static class SpriteSheet
{
    /// <summary>The largest sprite the projector loads, in pixels per side.</summary>
    public const int MaxSide = 8192;

    /// <summary>The grid's columns (and at most rows) for <paramref name="count"/> images.</summary>
    public static int Columns(int count) => Math.Max(1, (int)Math.Ceiling(Math.Sqrt(count)));

    /// <summary>Encodes the sprite as PNG; null when it would exceed <see cref="MaxSide"/>.</summary>
    /// <param name="pixels">Row-major [count, height, width] grey levels.</param>
    /// <param name="count">Images.</param>
    /// <param name="width">One image's width in pixels.</param>
    /// <param name="height">One image's height.</param>
    public static byte[]? RenderPng(float[] pixels, int count, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if ((long)count * width * height != pixels.LongLength)
            throw new ArgumentException($"{pixels.LongLength} pixels are not {count} images of {width}×{height}.", nameof(pixels));
        int columns = Columns(count);
        if ((long)columns * Math.Max(width, height) > MaxSide) return null;
        float max = 0;
        foreach (var p in pixels) if (float.IsFinite(p) && p > max) max = p;
        float scale = max > 0 ? 255f / max : 0;
        using var bitmap = new SKBitmap(new SKImageInfo(columns * width, columns * height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int i = 0; i < count; i++)
        {
            int left = i % columns * width, top = i / columns * height;
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    float v = pixels[((long)i * height + y) * width + x];
                    byte g = (byte)Math.Clamp(float.IsFinite(v) ? v * scale : 0, 0, 255);
                    bitmap.SetPixel(left + x, top + y, new SKColor(g, g, g, 255));
                }
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
