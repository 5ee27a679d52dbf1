using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Attribution;

/// <summary>A separable Gaussian blur of images [N, C, H, W] (edges replicated), through libtorch convolutions: the
/// blurred baseline of Integrated Gradients and the periodic blur of activation maximization. An image of height 1
/// (a 1-D signal [N, C, 1, L]) is blurred along its length only, since its replicated rows are all equal.</summary>
public static class GaussianBlur
{
    /// <summary>Blurs <paramref name="images"/> with standard deviation <paramref name="sigma"/> pixels, the kernel cut
    /// at <paramref name="truncate"/> standard deviations (at least one pixel either side).</summary>
    public static Tensor Apply(Tensor images, double sigma, double truncate = 3)
    {
        ArgumentNullException.ThrowIfNull(images);
        int radius = Math.Max(1, (int)Math.Ceiling(truncate * sigma));
        long channels = images.shape[1];
        var weights = Enumerable.Range(-radius, 2 * radius + 1).Select(i => Math.Exp(-0.5 * i * i / (sigma * sigma))).ToArray();
        double sum = weights.Sum();
        using var kernel = tensor(weights.Select(w => w / sum).ToArray(), dtype: images.dtype);
        using var rows = kernel.view(1, 1, 1, -1).expand(channels, 1, 1, -1).contiguous();
        using var cols = kernel.view(1, 1, -1, 1).expand(channels, 1, -1, 1).contiguous();
        using var padded = nn.functional.pad(images, [radius, radius, radius, radius], PaddingModes.Replicate);
        using var horizontal = nn.functional.conv2d(padded, rows, groups: channels);
        return nn.functional.conv2d(horizontal, cols, groups: channels);
    }
}
