using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Attribution.Lrp;

/// <summary>
/// What the LSTM and GRU rules of Arras et al. 2017 ("Explaining recurrent neural network predictions in sentiment
/// analysis", section 3) share: a single-layer bidirectional recurrent layer that outputs the last state of each
/// direction (forward after t = T − 1, backward after t = 0), replayed step by step in float64 from its weights; each
/// direction's relevance is passed back through its time steps on its own and the directions' input relevances add.
/// A derived step says how one direction runs and how relevance goes back through it.
/// </summary>
internal abstract class RecurrentStep : LayerStep
{
    private static readonly string[] DirectionSuffixes = ["", "_reverse"];

    /// <param name="name">The layer's name in the chain.</param>
    /// <param name="layer">The nn.LSTM or nn.GRU (bidirectional, one layer) whose weights are replayed.</param>
    /// <param name="units">Units of each direction.</param>
    /// <param name="gates">Stacked gate blocks in the weight matrices (4 for an LSTM, 3 for a GRU).</param>
    protected RecurrentStep(string name, nn.Module layer, long units, int gates) : base(name)
    {
        var parameters = layer.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().to(ScalarType.Float64));
        Units = units;
        Directions = DirectionSuffixes.Select(suffix => new RecurrentWeights(parameters["weight_ih_l0" + suffix], parameters["weight_hh_l0" + suffix],
            parameters.GetValueOrDefault("bias_ih_l0" + suffix) ?? zeros(gates * units, dtype: ScalarType.Float64),
            parameters.GetValueOrDefault("bias_hh_l0" + suffix) ?? zeros(gates * units, dtype: ScalarType.Float64))).ToArray();
    }

    protected long Units { get; }

    protected IReadOnlyList<RecurrentWeights> Directions { get; }

    public sealed override Tensor Forward(Tensor input)
    {
        var x = input.to(ScalarType.Float64);
        var states = Directions.Select((d, k) => LastState(x, d, reverse: k == 1)).ToArray();
        return cat(states, 1).to(input.dtype);
    }

    public sealed override Tensor Relevance(Tensor input, Tensor output, Tensor relevance, LrpRule rule, double epsilon)
    {
        using var scope = NewDisposeScope();
        var x = input.to(ScalarType.Float64);
        var r = relevance.to(ScalarType.Float64);
        var total = zeros_like(x);
        for (int k = 0; k < Directions.Count; k++)
            AddDirectionRelevance(x, Directions[k], reverse: k == 1, r[.., (int)(k * Units)..(int)((k + 1) * Units)], epsilon, total);
        return total.to(input.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>The direction's state after it has read the whole sequence.</summary>
    protected abstract Tensor LastState(Tensor x, RecurrentWeights weights, bool reverse);

    /// <summary>Passes <paramref name="relevance"/> of the direction's last state back to the time steps' inputs,
    /// adding it into <paramref name="total"/> [N, T, features].</summary>
    protected abstract void AddDirectionRelevance(Tensor x, RecurrentWeights weights, bool reverse, Tensor relevance, double epsilon, Tensor total);

    /// <summary>The time step read at position <paramref name="i"/> of the direction's pass.</summary>
    protected static int TimeAt(int i, long time, bool reverse) => reverse ? (int)time - 1 - i : i;

    /// <summary>The ε-rule through a signal's pre-activation z = W_x x_t + g ⊙ (W_h h_{t−1}) + b: relevance
    /// <paramref name="relevance"/> of z splits between x_t and h_{t−1} in proportion to their contributions; a gate
    /// g multiplying the recurrent part (the GRU's reset gate) only scales h's contributions and receives nothing
    /// (signal-take-all). The bias and ε keep the rest.</summary>
    protected static (Tensor Input, Tensor State) SplitPreActivation(Tensor xt, Tensor wx, Tensor hPrev, Tensor wh, Tensor? stateGate,
        Tensor preActivation, Tensor relevance, double epsilon)
    {
        var s = StabilizedDivide(relevance, preActivation, epsilon);
        var toState = stateGate is null ? s : s * stateGate;
        return (xt * s.matmul(wx), hPrev * toState.matmul(wh));
    }

    /// <summary>Rows <c>[block·units, (block+1)·units)</c> of a stacked gate matrix or bias.</summary>
    protected Tensor Block(Tensor stacked, int block) => stacked[(int)(block * Units)..(int)((block + 1) * Units)];
}

/// <summary>One direction's weights as PyTorch stores them (gate blocks stacked along the rows).</summary>
internal sealed record RecurrentWeights(Tensor Wih, Tensor Whh, Tensor Bih, Tensor Bhh);
