using LayerScope.Arrays;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Onnx.Torch.Operators;

/// <summary>Matrix products and the softmax family.</summary>
internal static class LinearOperators
{
    public static IEnumerable<(string OpType, OnnxOperator Run)> Entries =>
    [
        ("MatMul", MatMul),
        ("Gemm", Gemm),
        ("Softmax", n => [Softmax(n, (x, axis) => x.softmax(axis))]),
        ("LogSoftmax", n => [Softmax(n, (x, axis) => x.log_softmax(axis))]),
    ];

    /// <summary>NumPy's matmul. The shapes are checked here: libtorch's matmul, reached through TorchSharp, reports a
    /// mismatch with a C++ exception that nothing catches, which ends the process instead of raising an error.</summary>
    private static Tensor?[] MatMul(OnnxNodeContext n)
    {
        var (a, b) = (n.Input(0), n.Input(1));
        if (a.dim() == 0 || b.dim() == 0) throw new OnnxNodeException("MatMul of a scalar (rank 0)");
        long inner = b.dim() == 1 ? b.shape[0] : b.shape[^2];
        if (a.shape[^1] != inner)
            throw new OnnxNodeException($"MatMul of [{string.Join(", ", a.shape)}] by [{string.Join(", ", b.shape)}]: {a.shape[^1]} columns against {inner} rows");
        var (batchA, batchB) = (a.dim() > 2 ? a.shape[..^2] : [], b.dim() > 2 ? b.shape[..^2] : []);
        for (int i = 1; i <= Math.Min(batchA.Length, batchB.Length); i++)
            if (batchA[^i] != batchB[^i] && batchA[^i] != 1 && batchB[^i] != 1)
                throw new OnnxNodeException($"MatMul of [{string.Join(", ", a.shape)}] by [{string.Join(", ", b.shape)}]: batch axes do not broadcast");
        return [a.matmul(b)];
    }

    /// <summary>Y = alpha·A'·B' + beta·C, with A' and B' optionally transposed.</summary>
    private static Tensor?[] Gemm(OnnxNodeContext n)
    {
        var a = n.Int("transA", 0) != 0 ? n.Input(0).t() : n.Input(0);
        var b = n.Int("transB", 0) != 0 ? n.Input(1).t() : n.Input(1);
        float alpha = n.Float("alpha", 1f), beta = n.Float("beta", 1f);
        var c = n.OptionalInput(2);
        if (c is null) return [alpha == 1 ? a.matmul(b) : a.matmul(b) * alpha];
        // addmm fuses the bias into the product: one kernel, as in a PyTorch Linear.
        return [torch.addmm(c, a, b, beta, alpha)];
    }

    /// <summary>Before opset 13 softmax coerces the input to 2-D at <c>axis</c> (default 1) and normalizes each
    /// row of that matrix; from 13 on it normalizes along one axis (default -1).</summary>
    private static Tensor Softmax(OnnxNodeContext n, Func<Tensor, long, Tensor> apply)
    {
        var x = n.Input(0);
        if (n.Opset >= 13) return apply(x, OnnxNodeContext.Axis(n.Int("axis", -1), x.dim()));
        long axis = OnnxNodeContext.Axis(n.Int("axis", 1), x.dim());
        var shape = x.shape;
        long rows = Shapes.Product(shape.Take((int)axis));
        var matrix = x.reshape(rows, -1);
        return apply(matrix, 1).reshape(shape);
    }
}
