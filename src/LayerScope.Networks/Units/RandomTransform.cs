using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Units;

/// <summary>
/// Transformation robustness (Olah, Mordvintsev, Schubert 2017, "Feature Visualization"): at every ascent step the
/// image is shifted, scaled and rotated by a small random amount before it reaches the model, so only patterns that
/// excite the unit under all of these survive; high-frequency adversarial noise, which depends on exact pixel
/// positions, does not.
/// </summary>
public sealed record TransformationRobustness
{
    /// <summary>No transformation.</summary>
    public static TransformationRobustness None { get; } = new() { Jitter = 0, Scale = 0, RotationDegrees = 0 };

    /// <summary>Largest shift, in pixels, along each axis.</summary>
    public int Jitter { get; init; } = 1;

    /// <summary>Largest relative change of size: factors are drawn from [1 − Scale, 1 + Scale].</summary>
    public double Scale { get; init; } = 0.05;

    /// <summary>Largest rotation either way, in degrees (images only; 1-D signals are shifted and scaled).</summary>
    public double RotationDegrees { get; init; } = 5;

    public bool IsNone => Jitter == 0 && Scale == 0 && RotationDegrees == 0;

    public IReadOnlyList<string> Validate(string name)
    {
        var problems = new List<string>();
        if (Jitter < 0) problems.Add($"{name}.{nameof(Jitter)} is {Jitter}; it must be 0 or more.");
        if (!(Scale is >= 0 and < 1)) problems.Add($"{name}.{nameof(Scale)} is {Scale}; it must be in [0, 1).");
        if (!(RotationDegrees is >= 0 and <= 180)) problems.Add($"{name}.{nameof(RotationDegrees)} is {RotationDegrees}; it must be in [0, 180].");
        return problems;
    }

    /// <summary>One random draw applied to <paramref name="image"/> [C, H, W]: an affine resampling (bilinear, libtorch's
    /// grid_sample, so gradients flow back to the image), with positions outside the image at <paramref name="background"/>.
    /// An image of height 1 is moved along its length only.</summary>
    public Tensor Apply(Tensor image, double background, Random random)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(random);
        if (IsNone) return image;
        long h = image.shape[1], w = image.shape[2];
        bool flat = h == 1;
        double dx = random.Next(-Jitter, Jitter + 1), dy = flat ? 0 : random.Next(-Jitter, Jitter + 1);
        double scale = 1 + Scale * (2 * random.NextDouble() - 1);
        double angle = flat ? 0 : RotationDegrees * (2 * random.NextDouble() - 1) * Math.PI / 180;
        // affine_grid maps output coordinates in [−1, 1] to input coordinates: the inverse of "scale, rotate, then
        // shift by (dx, dy) pixels". A shift of one pixel is 2 / size in those coordinates (align_corners = false).
        double c = Math.Cos(angle) / scale, s = Math.Sin(angle) / scale;
        double tx = -2 * dx / w, ty = -2 * dy / h;
        using var scope = torch.NewDisposeScope();
        var theta = torch.tensor(new[] { (float)c, (float)-s, (float)(c * tx - s * ty), (float)s, (float)c, (float)(s * tx + c * ty) }, [1, 2, 3]);
        var grid = nn.functional.affine_grid(theta, [1, image.shape[0], h, w], align_corners: false);
        if (flat) grid = torch.stack([grid[.., .., .., 0], torch.zeros_like(grid[.., .., .., 1])], -1);
        var moved = nn.functional.grid_sample((image - background).unsqueeze(0), grid, mode: GridSampleMode.Bilinear,
            padding_mode: GridSamplePaddingMode.Zeros, align_corners: false).squeeze(0) + background;
        return moved.MoveToOuterDisposeScope();
    }
}
