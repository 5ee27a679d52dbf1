using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Models.Zoo;

/// <summary>What <see cref="BidirectionalLstm"/> and <see cref="BidirectionalGru"/> share: a single-layer bidirectional
/// recurrent layer (batch first) that outputs the forward direction's last state next to the backward direction's
/// state after it has read back to the first step, [N, 2 × units].</summary>
public abstract class BidirectionalRecurrentLayer : nn.Module<Tensor, Tensor>
{
    protected BidirectionalRecurrentLayer(string name, int inputs, int units) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        Units = units;
    }

    /// <summary>Units of each direction; the output has twice as many features.</summary>
    public int Units { get; }
}
