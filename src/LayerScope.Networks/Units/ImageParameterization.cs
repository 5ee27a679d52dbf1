using LayerScope.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Units;

/// <summary>
/// The colour half of Olah, Mordvintsev, Schubert 2017's decorrelated parameterization ("Feature Visualization",
/// Distill): the optimizer moves channel-decorrelated values z and the image is <c>background + M·z</c>, with M the
/// square root of the data's channel covariance scaled so that its largest column has norm 1. A step in z then moves
/// the colours along the directions the data varies in, not along the raw channel axes. For one channel M is [1].
/// </summary>
/// <param name="Matrix">M, [Channels, Channels] row-major.</param>
/// <param name="Channels">Input channels.</param>
public sealed record ColorDecorrelation(float[] Matrix, int Channels)
{
    /// <summary>No mixing: z is the image's deviation from the background.</summary>
    public static ColorDecorrelation Identity(int channels) =>
        new(Enumerable.Range(0, channels * channels).Select(i => i / channels == i % channels ? 1f : 0f).ToArray(), channels);

    /// <summary>M from example images [N, C, ...]: the symmetric square root of their channel covariance (libtorch's
    /// eigendecomposition), divided by its largest column norm.</summary>
    public static ColorDecorrelation FromImages(Arrays.Float32Array images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Shape.Length < 3)
            throw new LayerScopeException($"'{images.Name}' has shape {images.ShapeText}; colour statistics need images [N, C, H, W] or signals [N, C, L].");
        int channels = (int)images.Shape[1];
        using var scope = torch.NewDisposeScope();
        var values = torch.tensor(images.Values, images.Shape, dtype: ScalarType.Float64).transpose(0, 1).reshape(channels, -1);
        var centered = values - values.mean([1L], keepdim: true);
        var covariance = centered.matmul(centered.t()) / Math.Max(1, centered.shape[1] - 1);
        var (eigenvalues, eigenvectors) = torch.linalg.eigh(covariance);
        var root = eigenvectors.matmul(torch.diag(eigenvalues.clamp_min(0).sqrt())).matmul(eigenvectors.t());
        double largest = root.square().sum([0L]).sqrt().max().item<double>();
        if (!(largest > 0))
            throw new LayerScopeException($"'{images.Name}' is constant in every channel; it gives no colour statistics.");
        return new ColorDecorrelation((root / largest).to(ScalarType.Float32).contiguous().data<float>().ToArray(), channels);
    }
}

/// <summary>
/// How <see cref="ActivationMaximization"/> represents the image it optimizes: plain pixels, or (Olah et al. 2017) the
/// Fourier coefficients of the colour-decorrelated image scaled by 1/frequency^<c>decay</c>, so that equal steps on
/// every parameter favour low spatial frequencies and the result shows shapes rather than pixel noise. Decode gives the
/// image [C, H, W] (a differentiable libtorch computation: irfft2 and a channel product), Encode its parameters, and
/// Decode(Encode(x)) = x up to rounding.
/// </summary>
public sealed class ImageParameterization : IDisposable
{
    private readonly long[] _shape;
    private readonly double _background;
    private readonly Tensor? _scale;
    private readonly Tensor? _mix;
    private readonly Tensor? _unmix;

    /// <param name="shape">[C, H, W].</param>
    /// <param name="background">The value the image deviates from (zero parameters decode to it).</param>
    /// <param name="decorrelated">Fourier coefficients (and colour mixing) rather than pixels.</param>
    /// <param name="frequencyDecay">The power of 1/frequency (1 in Olah et al.; 0 keeps the Fourier basis unscaled).</param>
    /// <param name="color">The colour mixing; null for none.</param>
    public ImageParameterization(long[] shape, double background, bool decorrelated, double frequencyDecay = 1, ColorDecorrelation? color = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length != 3) throw new ArgumentException("The shape must be [C, H, W].", nameof(shape));
        _shape = shape;
        _background = background;
        if (!decorrelated) return;
        long h = shape[1], w = shape[2];
        using (var scope = torch.NewDisposeScope())
        {
            var fy = torch.fft.fftfreq(h).reshape(-1, 1);
            var fx = torch.fft.rfftfreq(w).reshape(1, -1);
            var frequency = (fy.square() + fx.square()).sqrt();
            // 1/f, floored at the lowest nonzero frequency so the constant term is not infinitely amplified.
            _scale = frequency.clamp_min(1.0 / Math.Max(h, w)).pow(-frequencyDecay).to(ScalarType.Float32).MoveToOuterDisposeScope();
        }
        if (color is null) return;
        if (color.Channels != shape[0])
            throw new LayerScopeException($"the colour decorrelation is for {color.Channels} channels; the image has {shape[0]}.");
        _mix = torch.tensor(color.Matrix, [color.Channels, color.Channels]);
        _unmix = torch.linalg.pinv(_mix);
    }

    /// <summary>The parameters of <paramref name="image"/> [C, H, W] (a new leaf tensor, no gradient history).</summary>
    public Tensor Encode(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = torch.NewDisposeScope();
        var deviation = image.detach() - _background;
        if (_scale is null) return deviation.clone().MoveToOuterDisposeScope();
        if (_unmix is not null) deviation = Mix(_unmix, deviation);
        var spectrum = torch.fft.rfft2(deviation, norm: FFTNormType.Ortho) / _scale;
        return torch.view_as_real(spectrum).clone().MoveToOuterDisposeScope();
    }

    /// <summary>The image [C, H, W] of <paramref name="parameters"/>, differentiable with respect to them.</summary>
    public Tensor Decode(Tensor parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (_scale is null) return parameters + _background;
        var spectrum = torch.view_as_complex(parameters) * _scale;
        var deviation = torch.fft.irfft2(spectrum, s: [_shape[1], _shape[2]], norm: FFTNormType.Ortho);
        if (_mix is not null) deviation = Mix(_mix, deviation);
        return deviation + _background;
    }

    private static Tensor Mix(Tensor matrix, Tensor image) =>
        matrix.matmul(image.reshape(image.shape[0], -1)).reshape(image.shape);

    public void Dispose()
    {
        _scale?.Dispose();
        _mix?.Dispose();
        _unmix?.Dispose();
    }
}
