using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Capture;

/// <summary>Copies a tensor's values out of libtorch into a .NET array.</summary>
internal static class TensorValues
{
    /// <summary>The values of <paramref name="tensor"/> as float32, in row-major order.</summary>
    /// <remarks>A float32, contiguous CPU tensor (almost every layer output, weight and gradient) is copied as one
    /// block from its data pointer. TorchSharp's <c>data&lt;float&gt;().ToArray()</c> walks an index enumerator per
    /// element instead, which cost the training dynamics recorder milliseconds per epoch on the LSTM and, on a CNN's
    /// probe batch of 256 images (about 21 million activations), a large part of its per-epoch time.</remarks>
    public static float[] ToFloats(Tensor tensor)
    {
        if (tensor.dtype == ScalarType.Float32 && tensor.device_type == DeviceType.CPU && tensor.is_contiguous())
            return MemoryMarshal.Cast<byte, float>(tensor.bytes).ToArray();
        using var scope = torch.NewDisposeScope();
        var contiguous = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        return MemoryMarshal.Cast<byte, float>(contiguous.bytes).ToArray();
    }
}
