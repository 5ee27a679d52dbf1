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

    /// <summary>Sets both directions' weights as Keras' GRU initialises them by default: glorot_uniform for W_ih,
    /// orthogonal for W_hh (all three gates as one matrix), zero biases.</summary>
    public void InitializeLikeKeras()
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in gru.named_parameters())
        {
            if (name.StartsWith("weight_ih", StringComparison.Ordinal)) nn.init.xavier_uniform_(parameter);
            else if (name.StartsWith("weight_hh", StringComparison.Ordinal)) nn.init.orthogonal_(parameter);
            else parameter.zero_();
        }
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
