using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Models.Zoo;

/// <summary>
/// A bidirectional LSTM layer that outputs one vector per sequence, as Keras' <c>Bidirectional(LSTM(units))</c> does:
/// the forward direction's state after the last time step concatenated with the backward direction's state after it
/// has read back to the first time step, [N, 2 × units] for input [N, T, features] (batch first). Capturing this
/// module gives exactly the features the classifier on top sees.
/// </summary>
/// <remarks>The child is named lstm and invoked with call(), so it can be captured too (its output is the tuple of
/// nn.LSTM). h_n of a single-layer bidirectional nn.LSTM is [2, N, units]: index 0 the forward direction's state
/// at t = T − 1, index 1 the backward direction's at t = 0.</remarks>
public sealed class BidirectionalLstm : BidirectionalRecurrentLayer
{
    private readonly LSTM lstm;

    public BidirectionalLstm(int inputs, int units) : base(nameof(BidirectionalLstm), inputs, units)
    {
        lstm = nn.LSTM(inputs, units, bidirectional: true, batchFirst: true);
        RegisterComponents();
    }

    /// <summary>Sets both directions' weights as Keras' LSTM initialises them by default:
    /// <c>kernel_initializer="glorot_uniform"</c> (W_ih), <c>recurrent_initializer="orthogonal"</c> (W_hh, all four
    /// gates as one matrix with orthonormal columns, the transpose of Keras' recurrent kernel),
    /// <c>bias_initializer="zeros"</c> with <c>unit_forget_bias=True</c> (forget gate bias 1). Keras has one bias per
    /// gate and PyTorch two that are added, so b_ih carries Keras' bias and b_hh starts at zero. Gate order is the same
    /// in both (input, forget, cell, output).</summary>
    public void InitializeLikeKeras()
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in lstm.named_parameters())
        {
            if (name.StartsWith("weight_ih", StringComparison.Ordinal)) nn.init.xavier_uniform_(parameter);
            else if (name.StartsWith("weight_hh", StringComparison.Ordinal)) nn.init.orthogonal_(parameter);
            else if (name.StartsWith("bias_hh", StringComparison.Ordinal)) parameter.zero_();
            else if (name.StartsWith("bias_ih", StringComparison.Ordinal))
            {
                parameter.zero_();
                parameter.narrow(0, Units, Units).fill_(1.0);
            }
        }
    }

    /// <summary>The wrapped layer, e.g. to read its weights.</summary>
    public LSTM Lstm => lstm;

    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (output, hidden, cell) = lstm.call(input);
        output.Dispose();
        cell.Dispose();
        return cat([hidden[0], hidden[1]], 1);
    }
}
