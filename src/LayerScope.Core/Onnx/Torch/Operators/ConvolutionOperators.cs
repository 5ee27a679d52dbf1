using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LayerScope.Onnx.Torch.Operators;

/// <summary>Convolutions and pooling over 1-D and 2-D (convolutions also 3-D) spatial axes, with ONNX's explicit
/// (possibly asymmetric) pads and auto_pad modes.</summary>
internal static class ConvolutionOperators
{
    public static IEnumerable<(string OpType, OnnxOperator Run)> Entries =>
    [
        ("Conv", Conv),
        ("ConvTranspose", ConvTranspose),
        ("MaxPool", MaxPool),
        ("AveragePool", AveragePool),
        ("GlobalAveragePool", n => [n.Input(0).mean(SpatialAxes(n.Input(0)), keepdim: true)]),
        ("GlobalMaxPool", n => [n.Input(0).amax(SpatialAxes(n.Input(0)), keepdim: true)]),
    ];

    private static long[] SpatialAxes(Tensor x) => Enumerable.Range(2, (int)x.dim() - 2).Select(i => (long)i).ToArray();

    private static Tensor?[] Conv(OnnxNodeContext n)
    {
        var (x, w, b) = (n.Input(0), n.Input(1), n.OptionalInput(2));
        int spatial = (int)x.dim() - 2;
        var kernel = w.shape[2..];
        var strides = n.Ints("strides") ?? Ones(spatial);
        var dilations = n.Ints("dilations") ?? Ones(spatial);
        long groups = n.Int("group", 1);
        var (begin, end) = Pads(n, x.shape[2..], kernel, strides, dilations);
        var padding = begin;
        if (!begin.SequenceEqual(end))
        {
            x = F.pad(x, TorchPadOrder(begin, end));
            padding = new long[spatial];
        }
        // A grouped convolution over few channels runs as the dense one with a block-diagonal weight (prepared at
        // load): libtorch's grouped kernels on a handful of channels per group are several times slower than the dense
        // kernel doing the groups' work and the zero blocks' (the CNN fixture's 4 groups of 2 channels: 1.33 ms against
        // about 0.4 at batch 256). The zero blocks add exact zeros to each sum, unless an input is infinite or NaN,
        // where 0 × inf would leak NaN into other groups' outputs: then the grouped kernel runs.
        if (groups > 1 && !torch.is_grad_enabled() && n.Cache.Get<DenseGroupedWeight>() is { } dense
            && ReferenceEquals(dense.Grouped, w) && x.isfinite().all().item<bool>())
        {
            w = dense.Weight;
            groups = 1;
        }
        return [spatial switch
        {
            1 => F.conv1d(x, w, b, strides[0], padding[0], dilations[0], groups),
            2 => F.conv2d(x, w, b, strides, padding, dilations, groups),
            3 => F.conv3d(x, w, b, strides, padding, dilations, groups),
            _ => throw new OnnxNodeException($"Conv over {spatial} spatial axes; 1, 2 or 3 are covered"),
        }];
    }

    /// <summary>Input channels up to which a grouped convolution runs as a dense one (see <see cref="Conv"/>).</summary>
    private const long DenseGroupedChannels = 16;

    /// <summary>For a grouped Conv over at most <see cref="DenseGroupedChannels"/> input channels whose weight is an
    /// initializer: the dense block-diagonal weight; null otherwise.</summary>
    public static IDisposable? Prepare(OnnxPlanStep step, Func<string, Tensor?> weight)
    {
        var node = step.Node;
        if (node.OpType != "Conv" || node.Inputs.Count < 2 || weight(node.Inputs[1]) is not { } w || w.dim() < 3) return null;
        long groups = step.Attributes.TryGetValue("group", out var g) ? g.I : 1;
        long perGroupIn = w.shape[1], outputs = w.shape[0];
        if (groups <= 1 || perGroupIn * groups > DenseGroupedChannels || outputs % groups != 0) return null;
        using var noGrad = torch.no_grad();
        var dense = torch.zeros([outputs, perGroupIn * groups, .. w.shape[2..]], w.dtype);
        long perGroupOut = outputs / groups;
        for (long k = 0; k < groups; k++)
            dense.narrow(0, k * perGroupOut, perGroupOut).narrow(1, k * perGroupIn, perGroupIn).copy_(w.narrow(0, k * perGroupOut, perGroupOut));
        return new DenseGroupedWeight(w, dense);
    }

    /// <summary>A grouped weight (the initializer it was made from) and its dense block-diagonal form.</summary>
    private sealed record DenseGroupedWeight(Tensor Grouped, Tensor Weight) : IDisposable
    {
        public void Dispose() => Weight.Dispose();
    }

    /// <summary>The transposed convolution is computed without padding, then cropped by the pads and extended by
    /// output_padding, which covers asymmetric pads and output_shape in one way.</summary>
    private static Tensor?[] ConvTranspose(OnnxNodeContext n)
    {
        var (x, w, b) = (n.Input(0), n.Input(1), n.OptionalInput(2));
        int spatial = (int)x.dim() - 2;
        var kernel = w.shape[2..];
        var strides = n.Ints("strides") ?? Ones(spatial);
        var dilations = n.Ints("dilations") ?? Ones(spatial);
        long groups = n.Int("group", 1);
        var outputPadding = n.Ints("output_padding") ?? new long[spatial];
        var input = x.shape[2..];
        var full = Enumerable.Range(0, spatial).Select(i => strides[i] * (input[i] - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1).ToArray();
        long[] begin, end;
        if (n.Ints("output_shape") is { } outputShape)
        {
            var target = outputShape[^spatial..];
            var total = full.Zip(target, (f, t) => f - t).ToArray();
            bool lower = n.String("auto_pad", "NOTSET") == "SAME_LOWER";
            begin = total.Select(t => lower ? t - t / 2 : t / 2).ToArray();
            end = total.Zip(begin, (t, s) => t - s).ToArray();
        }
        else
        {
            var autoPad = n.String("auto_pad", "NOTSET");
            if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                var total = Enumerable.Range(0, spatial).Select(i => Math.Max(0, full[i] - input[i] * strides[i])).ToArray();
                begin = total.Select(t => autoPad == "SAME_LOWER" ? t - t / 2 : t / 2).ToArray();
                end = total.Zip(begin, (t, s) => t - s).ToArray();
            }
            else
            {
                var pads = autoPad == "VALID" ? null : n.Ints("pads");
                begin = pads?[..spatial] ?? new long[spatial];
                end = pads?[spatial..] ?? new long[spatial];
            }
        }
        var y = spatial switch
        {
            1 => F.conv_transpose1d(x, w, null, strides[0], 0, 0, dilations[0], groups),
            2 => F.conv_transpose2d(x, w, null, strides, new long[2], new long[2], dilations, groups),
            3 => F.conv_transpose3d(x, w, null, strides, new long[3], new long[3], dilations, groups),
            _ => throw new OnnxNodeException($"ConvTranspose over {spatial} spatial axes; 1, 2 or 3 are covered"),
        };
        // output_padding adds rows at the end that no input reaches (only the bias).
        if (outputPadding.Any(p => p != 0)) y = F.pad(y, TorchPadOrder(new long[spatial], outputPadding));
        for (int i = 0; i < spatial; i++)
            if (begin[i] != 0 || end[i] != 0) y = y.narrow(2 + i, begin[i], y.shape[2 + i] - begin[i] - end[i]);
        if (b is not null) y += b.reshape([1, -1, .. Ones(spatial)]);
        return [y];
    }

    private static Tensor?[] MaxPool(OnnxNodeContext n)
    {
        if (n.WantsOutput(1)) throw new OnnxNodeException("MaxPool's Indices output is not covered");
        var x = n.Input(0);
        int spatial = (int)x.dim() - 2;
        var kernel = n.Ints("kernel_shape") ?? throw new OnnxNodeException("MaxPool needs kernel_shape");
        var strides = n.Ints("strides") ?? Ones(spatial);
        var dilations = n.Ints("dilations") ?? Ones(spatial);
        bool ceil = n.Int("ceil_mode", 0) != 0;
        var (begin, end) = Pads(n, x.shape[2..], kernel, strides, dilations);
        if (!torch.is_grad_enabled() && spatial == 2 && TilesExactly(x.shape[2..], kernel, strides, dilations, begin, end))
        {
            // Windows that tile the input (kernel = stride, no pads): a max over reshaped axes, one reduction kernel
            // without the indices libtorch's pooling also computes. Only without autograd: amax would share the
            // gradient among tied maxima (common after a ReLU) where MaxPool, like PyTorch's, gives it to one.
            Tensor? result = null;
            for (long i = 0; i < kernel[0]; i++)
                for (long j = 0; j < kernel[1]; j++)
                {
                    var tap = x.slice(2, i, x.shape[2], kernel[0]).slice(3, j, x.shape[3], kernel[1]);
                    result = result is null ? tap : torch.maximum(result, tap);
                }
            return [result];
        }
        var padding = begin;
        // libtorch pads implicitly with -inf, but only symmetrically and by at most half the kernel.
        if (!begin.SequenceEqual(end) || begin.Where((p, i) => p > kernel[i] / 2).Any())
        {
            x = F.pad(x, TorchPadOrder(begin, end), PaddingModes.Constant, double.NegativeInfinity);
            padding = new long[spatial];
        }
        return [spatial switch
        {
            1 => F.max_pool1d(x, kernel[0], strides[0], padding[0], dilations[0], ceil),
            2 => F.max_pool2d(x, kernel, strides, padding, dilations, ceil),
            _ => throw new OnnxNodeException($"MaxPool over {spatial} spatial axes; 1 or 2 are covered"),
        }];
    }

    private static bool TilesExactly(long[] input, long[] kernel, long[] strides, long[] dilations, long[] begin, long[] end) =>
        input.Select((size, i) => kernel[i] == strides[i] && dilations[i] == 1 && begin[i] == 0 && end[i] == 0 && size % kernel[i] == 0).All(ok => ok);

    private static Tensor?[] AveragePool(OnnxNodeContext n)
    {
        var x = n.Input(0);
        int spatial = (int)x.dim() - 2;
        var kernel = n.Ints("kernel_shape") ?? throw new OnnxNodeException("AveragePool needs kernel_shape");
        var strides = n.Ints("strides") ?? Ones(spatial);
        if ((n.Ints("dilations") ?? Ones(spatial)).Any(d => d != 1)) throw new OnnxNodeException("AveragePool with dilations is not covered");
        bool ceil = n.Int("ceil_mode", 0) != 0;
        bool includePad = n.Int("count_include_pad", 0) != 0;
        var (begin, end) = Pads(n, x.shape[2..], kernel, strides, Ones(spatial));
        if (begin.SequenceEqual(end) && !begin.Where((p, i) => p > kernel[i] / 2).Any())
            return [Pool(x, kernel, strides, begin, ceil, includePad)];
        // Asymmetric pads: pool the zero-padded input, and when pads must not count, divide by the pooled share of
        // real (non-pad) entries in each window.
        var padded = F.pad(x, TorchPadOrder(begin, end));
        var zero = new long[spatial];
        var sum = Pool(padded, kernel, strides, zero, ceil, true);
        if (includePad) return [sum];
        var ones = F.pad(torch.ones([1, 1, .. x.shape[2..]], x.dtype), TorchPadOrder(begin, end));
        return [sum / Pool(ones, kernel, strides, zero, ceil, true)];
    }

    private static Tensor Pool(Tensor x, long[] kernel, long[] strides, long[] padding, bool ceil, bool includePad) => kernel.Length switch
    {
        1 => F.avg_pool1d(x, kernel[0], strides[0], padding[0], ceil, includePad),
        2 => F.avg_pool2d(x, kernel, strides, padding, ceil, includePad),
        _ => throw new OnnxNodeException($"AveragePool over {kernel.Length} spatial axes; 1 or 2 are covered"),
    };

    /// <summary>Begin and end pads per spatial axis from pads or auto_pad. SAME_UPPER puts the odd pad at the end,
    /// SAME_LOWER at the beginning, so that the output has ceil(input / stride) entries.</summary>
    private static (long[] Begin, long[] End) Pads(OnnxNodeContext n, long[] input, long[] kernel, long[] strides, long[] dilations)
    {
        int spatial = input.Length;
        switch (n.String("auto_pad", "NOTSET"))
        {
            case "SAME_UPPER" or "SAME_LOWER":
                var begin = new long[spatial];
                var end = new long[spatial];
                bool lower = n.String("auto_pad", "NOTSET") == "SAME_LOWER";
                for (int i = 0; i < spatial; i++)
                {
                    long output = (input[i] + strides[i] - 1) / strides[i];
                    long total = Math.Max(0, (output - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - input[i]);
                    begin[i] = lower ? total - total / 2 : total / 2;
                    end[i] = total - begin[i];
                }
                return (begin, end);
            case "VALID":
                return (new long[spatial], new long[spatial]);
            default:
                var pads = n.Ints("pads");
                if (pads is null) return (new long[spatial], new long[spatial]);
                if (pads.Length != 2 * spatial) throw new OnnxNodeException($"pads has {pads.Length} entries; expected {2 * spatial} (begin and end per spatial axis)");
                return (pads[..spatial], pads[spatial..]);
        }
    }

    /// <summary>libtorch's pad list runs from the last axis backwards: (last begin, last end, previous begin, ...).</summary>
    internal static long[] TorchPadOrder(long[] begin, long[] end) =>
        Enumerable.Range(0, begin.Length).Reverse().SelectMany(i => new[] { begin[i], end[i] }).ToArray();

    private static long[] Ones(int count) => Enumerable.Repeat(1L, count).ToArray();
}
