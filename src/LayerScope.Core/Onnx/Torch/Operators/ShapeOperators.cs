using LayerScope.Arrays;
using LayerScope.Onnx.Proto;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LayerScope.Onnx.Torch.Operators;

/// <summary>Operators that move, select, reduce or make values without arithmetic: reshapes, slices, gathers,
/// constants, casts, pads and reductions. Shape-valued inputs are read as integers; libtorch records the rest for
/// autograd like any other view or copy.</summary>
internal static class ShapeOperators
{
    public static IEnumerable<(string OpType, OnnxOperator Run)> Entries =>
    [
        ("Identity", n => [n.Input(0).alias()]),
        ("Dropout", n => [n.Input(0).alias(), n.WantsOutput(1) ? torch.ones_like(n.Input(0), ScalarType.Bool) : null]),
        ("Flatten", Flatten),
        ("Reshape", Reshape),
        ("Transpose", Transpose),
        ("Squeeze", Squeeze),
        ("Unsqueeze", Unsqueeze),
        ("Concat", n => [torch.cat(n.Inputs.Where(t => t is not null).Select(t => t!).ToList(), OnnxNodeContext.Axis(n.Int("axis", 0), n.Input(0).dim()))]),
        ("Split", Split),
        ("Slice", Slice),
        ("Gather", Gather),
        ("Shape", Shape),
        ("Size", n => [torch.tensor(n.Input(0).numel(), ScalarType.Int64)]),
        ("Constant", Constant),
        ("ConstantOfShape", ConstantOfShape),
        ("Cast", n => [n.Input(0).to_type(CastTarget(n))]),
        ("CastLike", n => [n.Input(0).to_type(n.Input(1).dtype)]),
        ("Expand", Expand),
        ("Tile", n => [n.Input(0).tile(n.InputLongs(1))]),
        ("Range", Range),
        ("Pad", Pad),
        ("ReduceMean", n => [Reduce(n, (x, axes, keep) => x.mean(axes, keep))]),
        ("ReduceSum", n => [Reduce(n, (x, axes, keep) => x.sum(axes, keep))]),
        ("ReduceMax", n => [Reduce(n, (x, axes, keep) => x.amax(axes, keep))]),
        ("ReduceMin", n => [Reduce(n, (x, axes, keep) => x.amin(axes, keep))]),
        ("ReduceProd", n => [Reduce(n, (x, axes, keep) => axes.OrderByDescending(a => a).Aggregate(x, (t, a) => t.prod(a, keep)))]),
        ("ReduceSumSquare", n => [Reduce(n, (x, axes, keep) => (x * x).sum(axes, keep))]),
        ("ReduceL2", n => [Reduce(n, (x, axes, keep) => (x * x).sum(axes, keep).sqrt())]),
        ("ArgMax", n => [ArgReduce(n, (x, axis, keep) => x.argmax(axis, keep))]),
        ("ArgMin", n => [ArgReduce(n, (x, axis, keep) => x.argmin(axis, keep))]),
    ];

    private static Tensor?[] Flatten(OnnxNodeContext n)
    {
        var x = n.Input(0);
        long axis = n.Int("axis", 1);
        if (axis < 0) axis += x.dim();
        long rows = Shapes.Product(x.shape.Take((int)axis));
        return [x.reshape(rows, -1)];
    }

    /// <summary>0 copies the input's size on that axis (unless allowzero = 1), -1 is inferred.</summary>
    private static Tensor?[] Reshape(OnnxNodeContext n)
    {
        var x = n.Input(0);
        var shape = n.InputLongs(1);
        bool allowZero = n.Int("allowzero", 0) != 0;
        var target = shape.Select((s, i) => s == 0 && !allowZero ? x.shape[i] : s).ToArray();
        return [x.reshape(target)];
    }

    private static Tensor?[] Transpose(OnnxNodeContext n)
    {
        var x = n.Input(0);
        var perm = n.Ints("perm") ?? Enumerable.Range(0, (int)x.dim()).Reverse().Select(i => (long)i).ToArray();
        return [x.permute(perm)];
    }

    private static long[]? AxesArgument(OnnxNodeContext n, long inputFromOpset) =>
        n.Opset >= inputFromOpset ? n.OptionalLongs(1) : n.Ints("axes");

    private static Tensor?[] Squeeze(OnnxNodeContext n)
    {
        var x = n.Input(0);
        var axes = AxesArgument(n, 13);
        if (axes is null || axes.Length == 0) return [x.squeeze()];
        var normalized = axes.Select(a => OnnxNodeContext.Axis(a, x.dim())).OrderByDescending(a => a).ToList();
        foreach (var axis in normalized)
        {
            if (x.shape[axis] != 1) throw new OnnxNodeException($"Squeeze axis {axis} has size {x.shape[axis]}, not 1");
            x = x.squeeze(axis);
        }
        return [x];
    }

    private static Tensor?[] Unsqueeze(OnnxNodeContext n)
    {
        var x = n.Input(0);
        var axes = AxesArgument(n, 13) ?? throw new OnnxNodeException("Unsqueeze needs axes");
        long rank = x.dim() + axes.Length;
        foreach (var axis in axes.Select(a => OnnxNodeContext.Axis(a, rank)).OrderBy(a => a))
            x = x.unsqueeze(axis);
        return [x];
    }

    private static Tensor?[] Split(OnnxNodeContext n)
    {
        var x = n.Input(0);
        long axis = OnnxNodeContext.Axis(n.Int("axis", 0), x.dim());
        var sizes = n.Opset >= 13 ? n.OptionalLongs(1) : n.Ints("split");
        if (sizes is null || sizes.Length == 0)
        {
            long parts = n.Opset >= 18 && n.Has("num_outputs") ? n.Int("num_outputs", 1) : n.OutputCount;
            long size = x.shape[axis];
            long chunk = (size + parts - 1) / parts;
            sizes = Enumerable.Range(0, (int)parts).Select(i => Math.Max(0, Math.Min(chunk, size - i * chunk))).ToArray();
        }
        if (sizes.Sum() != x.shape[axis]) throw new OnnxNodeException($"Split sizes [{string.Join(", ", sizes)}] do not add up to axis {axis}'s {x.shape[axis]}");
        return x.split(sizes, axis);
    }

    /// <summary>Slice with ONNX's clamping rules; negative steps walk backwards from start (clamped to size - 1)
    /// down to end (clamped to -1).</summary>
    private static Tensor?[] Slice(OnnxNodeContext n)
    {
        var x = n.Input(0);
        long[] starts, ends;
        long[]? axes, steps = null;
        if (n.Opset < 10)
        {
            starts = n.Ints("starts") ?? throw new OnnxNodeException("Slice needs starts");
            ends = n.Ints("ends") ?? throw new OnnxNodeException("Slice needs ends");
            axes = n.Ints("axes");
        }
        else
        {
            starts = n.InputLongs(1);
            ends = n.InputLongs(2);
            axes = n.OptionalLongs(3);
            steps = n.OptionalLongs(4);
        }
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        for (int i = 0; i < axes.Length; i++)
        {
            long axis = OnnxNodeContext.Axis(axes[i], x.dim());
            long size = x.shape[axis];
            long step = steps?[i] ?? 1;
            if (step == 0) throw new OnnxNodeException("Slice step 0");
            long start = starts[i] < 0 ? starts[i] + size : starts[i];
            long end = ends[i] < 0 ? ends[i] + size : ends[i];
            if (step > 0)
            {
                start = Math.Clamp(start, 0, size);
                end = Math.Clamp(end, 0, size);
                if (end <= start) { x = x.narrow(axis, 0, 0); continue; }
                x = step == 1 ? x.narrow(axis, start, end - start) : x.slice(axis, start, end, step);
            }
            else
            {
                start = Math.Clamp(start, -1, size - 1);
                end = Math.Clamp(end, -1, size - 1);
                var indices = start > end ? torch.arange(start, end, step, ScalarType.Int64) : torch.empty(0, ScalarType.Int64);
                x = x.index_select(axis, indices);
            }
        }
        return [x];
    }

    /// <summary>Gather along an axis (an embedding lookup when the data is a weight matrix and the indices are token ids).</summary>
    private static Tensor?[] Gather(OnnxNodeContext n)
    {
        var (data, indices) = (n.Input(0), n.Input(1).to_type(ScalarType.Int64));
        long axis = OnnxNodeContext.Axis(n.Int("axis", 0), data.dim());
        long size = data.shape[axis];
        // Negative indices count from the end. Token ids seldom are: one reduction tells, and saves the three
        // batch-sized kernels (compare, add, select) that the shift costs.
        if (indices.numel() > 0 && indices.min().item<long>() < 0) indices = torch.where(indices.lt(0), indices + size, indices);
        var picked = data.index_select(axis, indices.flatten());
        long[] shape = [.. data.shape[..(int)axis], .. indices.shape, .. data.shape[((int)axis + 1)..]];
        return [picked.reshape(shape)];
    }

    private static Tensor?[] Shape(OnnxNodeContext n)
    {
        var shape = n.Input(0).shape;
        long rank = shape.Length;
        long start = n.Int("start", 0), end = n.Int("end", rank);
        if (start < 0) start += rank;
        if (end < 0) end += rank;
        start = Math.Clamp(start, 0, rank);
        end = Math.Clamp(end, start, rank);
        return [torch.tensor(shape[(int)start..(int)end], ScalarType.Int64)];
    }

    /// <summary>A Constant's value; the model keeps it after the first pass (OnnxStaticValue.Always).</summary>
    private static Tensor?[] Constant(OnnxNodeContext n)
    {
        if (n.TensorAttribute("value") is { } value) return [OnnxTensorDecoder.Decode(value, n.FloatType, null, "")];
        if (n.Has("value_float")) return [torch.tensor((double)n.Float("value_float", 0), n.FloatType)];
        if (n.Floats("value_floats") is { } floats) return [torch.tensor(floats.Select(f => (double)f).ToArray(), n.FloatType)];
        if (n.Has("value_int")) return [torch.tensor(n.Int("value_int", 0), ScalarType.Int64)];
        if (n.Ints("value_ints") is { } ints) return [torch.tensor(ints, ScalarType.Int64)];
        throw new OnnxNodeException("Constant has no value, value_float(s) or value_int(s) attribute (sparse and string constants are not covered)");
    }

    private static Tensor?[] ConstantOfShape(OnnxNodeContext n)
    {
        var shape = n.InputLongs(0);
        if (n.TensorAttribute("value") is not { } value) return [torch.zeros(shape, n.FloatType)];
        var one = OnnxTensorDecoder.Decode(value, n.FloatType, null, "");
        return [one.reshape(Enumerable.Repeat(1L, shape.Length).ToArray()).expand(shape).contiguous()];
    }

    private static ScalarType CastTarget(OnnxNodeContext n)
    {
        var to = (TensorElementType)n.Int("to", 0);
        return OnnxTensorDecoder.ScalarTypeOf(to, n.FloatType)
            ?? throw new OnnxNodeException($"Cast to {OnnxElementTypes.Name(to)} is not covered");
    }

    /// <summary>Expand broadcasts both ways: the output shape is the broadcast of the input's and the given shape.</summary>
    private static Tensor?[] Expand(OnnxNodeContext n)
    {
        var x = n.Input(0);
        var shape = n.InputLongs(1);
        int rank = Math.Max(x.shape.Length, shape.Length);
        var a = Enumerable.Repeat(1L, rank - x.shape.Length).Concat(x.shape).ToArray();
        var b = Enumerable.Repeat(1L, rank - shape.Length).Concat(shape).ToArray();
        var target = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            if (a[i] != b[i] && a[i] != 1 && b[i] != 1) throw new OnnxNodeException($"Expand cannot broadcast [{string.Join(", ", x.shape)}] to [{string.Join(", ", shape)}]");
            target[i] = a[i] == 1 ? b[i] : a[i];
        }
        return [x.reshape(a).expand(target)];
    }

    private static Tensor?[] Range(OnnxNodeContext n)
    {
        var (start, limit, delta) = (n.Input(0), n.Input(1), n.Input(2));
        if (start.is_floating_point())
            return [torch.arange(OnnxNodeContext.Scalar(start), OnnxNodeContext.Scalar(limit), OnnxNodeContext.Scalar(delta), start.dtype)];
        return [torch.arange(OnnxNodeContext.Longs(start)[0], OnnxNodeContext.Longs(limit)[0], OnnxNodeContext.Longs(delta)[0], start.dtype)];
    }

    private static Tensor?[] Pad(OnnxNodeContext n)
    {
        var x = n.Input(0);
        long rank = x.dim();
        long[] pads;
        double value = 0;
        if (n.Opset < 11)
        {
            pads = n.Ints("pads") ?? throw new OnnxNodeException("Pad needs pads");
            value = n.Float("value", 0f);
        }
        else
        {
            pads = n.InputLongs(1);
            if (n.OptionalInput(2) is { } constant && constant.numel() > 0) value = OnnxNodeContext.Scalar(constant);
        }
        var axes = n.OptionalLongs(3)?.Select(a => OnnxNodeContext.Axis(a, rank)).ToArray() ?? Enumerable.Range(0, (int)rank).Select(i => (long)i).ToArray();
        if (pads.Length != 2 * axes.Length) throw new OnnxNodeException($"Pad has {pads.Length} pads for {axes.Length} axes");
        var begin = new long[rank];
        var end = new long[rank];
        for (int i = 0; i < axes.Length; i++) { begin[axes[i]] = pads[i]; end[axes[i]] = pads[axes.Length + i]; }
        var mode = n.String("mode", "constant") switch
        {
            "constant" => PaddingModes.Constant,
            "reflect" => PaddingModes.Reflect,
            "edge" => PaddingModes.Replicate,
            var other => throw new OnnxNodeException($"Pad mode '{other}' is not covered (constant, reflect, edge are)"),
        };
        // libtorch's list covers trailing axes only; start at the first axis with a pad.
        int first = Enumerable.Range(0, (int)rank).FirstOrDefault(i => begin[i] != 0 || end[i] != 0, (int)rank);
        if (first == rank) return [x.alias()];
        return [F.pad(x, ConvolutionOperators.TorchPadOrder(begin[first..], end[first..]), mode, value)];
    }

    private static Tensor Reduce(OnnxNodeContext n, Func<Tensor, long[], bool, Tensor> reduce)
    {
        var x = n.Input(0);
        bool keep = n.Int("keepdims", 1) != 0;
        // ReduceSum takes its axes as an input from opset 13, the other reductions from opset 18.
        long fromOpset = n.Node.OpType == "ReduceSum" ? 13 : 18;
        var axes = AxesArgument(n, fromOpset);
        if (axes is null || axes.Length == 0)
        {
            if (n.Int("noop_with_empty_axes", 0) != 0) return x.alias();
            axes = Enumerable.Range(0, (int)x.dim()).Select(i => (long)i).ToArray();
        }
        return reduce(x, axes.Select(a => OnnxNodeContext.Axis(a, x.dim())).Distinct().ToArray(), keep);
    }

    private static Tensor ArgReduce(OnnxNodeContext n, Func<Tensor, long, bool, Tensor> reduce)
    {
        if (n.Int("select_last_index", 0) != 0) throw new OnnxNodeException("select_last_index = 1 is not covered");
        var x = n.Input(0);
        return reduce(x, OnnxNodeContext.Axis(n.Int("axis", 0), x.dim()), n.Int("keepdims", 1) != 0);
    }
}
