using LayerScope.Arrays;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Onnx.Torch.Operators;

/// <summary>Matrix products and the softmax family.</summary>
internal static class LinearOperators
{
    public static IEnumerable<(string OpType, OnnxOperator Run)> Entries =>
    [
        ("MatMul", n => [n.Input(0).matmul(n.Input(1))]),
        ("Gemm", Gemm),
        ("Softmax", n => [Softmax(n, (x, axis) => x.softmax(axis))]),
        ("LogSoftmax", n => [Softmax(n, (x, axis) => x.log_softmax(axis))]),
    ];

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
