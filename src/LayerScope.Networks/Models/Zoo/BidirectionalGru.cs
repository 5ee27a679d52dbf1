using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Models.Zoo;

/// <summary>
/// A bidirectional GRU layer that outputs one vector per sequence, as <see cref="BidirectionalLstm"/> does for the
/// LSTM: the forward direction's state after the last time step concatenated with the backward direction's state after
/// it has read back to the first, [N, 2 × units] for input [N, T, features] (batch first), so it can stand in a
/// <c>Sequential</c> and be explained by LRP.
/// </summary>
public sealed class BidirectionalGru : BidirectionalRecurrentLayer
{
    private readonly GRU gru;

    public BidirectionalGru(int inputs, int units) : base(nameof(BidirectionalGru), inputs, units)
    {
        gru = nn.GRU(inputs, units, bidirectional: true, batchFirst: true);
        RegisterComponents();
    }

    /// <summary>The wrapped layer, e.g. to read its weights.</summary>
    public GRU Gru => gru;

    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (output, hidden) = gru.call(input);
        output.Dispose();
        return cat([hidden[0], hidden[1]], 1);
    }
}
