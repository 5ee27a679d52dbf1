namespace LayerScope.Rendering;

/// <summary>The pixel size of a rendered figure. <see cref="Default"/> is 800 x 600.</summary>
public sealed record FigureSize
{
    /// <summary>The size used when none is given: 800 x 600 pixels.</summary>
    public static FigureSize Default { get; } = new(800, 600);

    /// <summary>Creates a size; both sides must be between 1 and <see cref="MaxSide"/> pixels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A side is outside 1..<see cref="MaxSide"/>.</exception>
    public FigureSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxSide);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxSide);
        Width = width;
        Height = height;
    }

    /// <summary>The largest side accepted, in pixels; guards against a typo allocating gigabytes.</summary>
    public const int MaxSide = 16_384;

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    public override string ToString() => $"{Width}x{Height}";
}
