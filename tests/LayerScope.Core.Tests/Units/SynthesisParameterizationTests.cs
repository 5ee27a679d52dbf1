using LayerScope.Arrays;
using LayerScope.Units;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Units;

public class SynthesisParameterizationTests
{
    [Theory]
    [InlineData(false, 1.0)]
    [InlineData(true, 1.0)]
    [InlineData(true, 0.5)]
    public void Decoding_the_encoded_image_gives_the_image_back(bool decorrelated, double decay)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var image = torch.rand(3, 9, 12);
        var color = new ColorDecorrelation([0.8f, 0.1f, 0.0f, 0.1f, 0.9f, 0.2f, 0.0f, 0.2f, 1.0f], 3);
        using var parameterization = new ImageParameterization([3, 9, 12], 0.25, decorrelated, decay, decorrelated ? color : null);

        var back = parameterization.Decode(parameterization.Encode(image));

        Assert.True(back.allclose(image, rtol: 0, atol: 1e-5), $"largest error {(back - image).abs().max().item<float>()}");
    }

    [Fact]
    public void The_decorrelated_parameterization_moves_low_frequencies_faster_than_high_ones()
    {
        using var scope = torch.NewDisposeScope();
        using var parameterization = new ImageParameterization([1, 16, 16], 0, decorrelated: true);
        var zero = parameterization.Encode(torch.zeros(1, 16, 16));
        // A unit step on one coefficient: the image of the lowest nonzero frequency changes more than that of the highest.
        Tensor Energy(long row, long column)
        {
            var p = zero.clone();
            p[0, row, column, 0] = 1;
            return parameterization.Decode(p).square().sum();
        }
        Assert.True(Energy(0, 1).item<float>() > 20 * Energy(8, 8).item<float>());
    }

    [Fact]
    public void The_colour_matrix_is_the_square_root_of_the_channel_covariance_up_to_scale()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        // Two channels, the second a noisy copy of the first: strongly correlated.
        var a = torch.rand(50, 1, 4, 4);
        var values = torch.cat([a, a * 0.5 + torch.rand(50, 1, 4, 4) * 0.1], 1).contiguous();
        var images = new Float32Array("x", values.data<float>().ToArray(), [50, 2, 4, 4]);

        var color = ColorDecorrelation.FromImages(images);

        var m = torch.tensor(color.Matrix, [2, 2], dtype: ScalarType.Float64);
        var flat = values.to(ScalarType.Float64).transpose(0, 1).reshape(2, -1);
        var centered = flat - flat.mean([1L], keepdim: true);
        var covariance = centered.matmul(centered.t()) / (centered.shape[1] - 1);
        var square = m.matmul(m.t());
        double ratio = (covariance[0, 0] / square[0, 0]).item<double>();
        Assert.True((square * ratio).allclose(covariance, rtol: 1e-4, atol: 1e-9));
        Assert.Equal(1.0, m.square().sum([0L]).sqrt().max().item<double>(), 5);
        Assert.Equal([1f], ColorDecorrelation.FromImages(new Float32Array("grey", [0f, 0.5f, 1f, 0.2f], [2, 1, 2, 1])).Matrix);
    }

    [Fact]
    public void A_pure_shift_moves_pixels_by_whole_positions_and_fills_with_the_background()
    {
        using var scope = torch.NewDisposeScope();
        var image = torch.arange(1, 26, dtype: ScalarType.Float32).reshape(1, 5, 5);
        var shift = new TransformationRobustness { Jitter = 1, Scale = 0, RotationDegrees = 0 };
        var random = new Random(8);

        var seen = new HashSet<(int, int)>();
        for (int draw = 0; draw < 40; draw++)
        {
            var moved = shift.Apply(image, background: -1, random);
            var found = Enumerable.Range(-1, 3).SelectMany(dy => Enumerable.Range(-1, 3).Select(dx => (dy, dx)))
                .Where(d => moved.allclose(Shifted(image, d.dy, d.dx, -1), rtol: 0, atol: 1e-5)).ToList();
            Assert.Single(found);
            seen.Add(found[0]);
        }
        Assert.Equal(9, seen.Count);
        Assert.Same(image, TransformationRobustness.None.Apply(image, 0, random));
    }

    [Fact]
    public void Transformations_pass_gradients_back_to_the_image()
    {
        using var scope = torch.NewDisposeScope();
        var image = torch.rand(1, 8, 8).requires_grad_();
        var moved = new TransformationRobustness { Jitter = 1, Scale = 0.1, RotationDegrees = 10 }.Apply(image, 0, new Random(2));
        moved.sum().backward();
        Assert.True(image.grad!.abs().sum().item<float>() > 0);
    }

    private static Tensor Shifted(Tensor image, int dy, int dx, float fill)
    {
        long h = image.shape[1], w = image.shape[2];
        var result = torch.full_like(image, fill);
        for (long y = 0; y < h; y++)
            for (long x = 0; x < w; x++)
            {
                long sy = y - dy, sx = x - dx;
                if (sy >= 0 && sy < h && sx >= 0 && sx < w) result[0, y, x] = image[0, sy, sx];
            }
        return result;
    }
}
