namespace LayerScope.Data.Images;

/// <summary>Grey-level images with one class label each. Pixels are floats in 0..1, stored row-major in one array:
/// image i is <c>Pixels[i·H·W .. (i + 1)·H·W]</c>, row 0 at the top.</summary>
public sealed record LabeledImages
{
    /// <exception cref="ArgumentException">The sizes disagree or a label is out of range.</exception>
    public LabeledImages(float[] pixels, int count, int height, int width, int[] labels, IReadOnlyList<string> classNames, string source)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (pixels.LongLength != (long)count * height * width)
            throw new ArgumentException($"{count} images of {height}×{width} need {(long)count * height * width} pixels, not {pixels.Length}.", nameof(pixels));
        if (labels.Length != count) throw new ArgumentException($"{count} images need {count} labels, not {labels.Length}.", nameof(labels));
        var bad = Array.FindIndex(labels, l => l < 0 || l >= classNames.Count);
        if (bad >= 0) throw new ArgumentException($"Image {bad} has label {labels[bad]}, but there are {classNames.Count} classes.", nameof(labels));
        Pixels = pixels;
        Count = count;
        Height = height;
        Width = width;
        Labels = labels;
        ClassNames = classNames;
        Source = source;
    }

    public float[] Pixels { get; }
    public int Count { get; }
    public int Height { get; }
    public int Width { get; }
    public int[] Labels { get; }
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Where the images came from (a file path), for messages and reports.</summary>
    public string Source { get; }

    /// <summary>Pixels per image.</summary>
    public int PixelsPerImage => Height * Width;

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Image(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);

    /// <summary>The first <paramref name="count"/> images (all when there are fewer).</summary>
    public LabeledImages Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count >= Count) return this;
        return new LabeledImages(Pixels[..(count * PixelsPerImage)], count, Height, Width, Labels[..count], ClassNames, Source);
    }
}
