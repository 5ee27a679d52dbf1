using LayerScope.Models.Zoo;
using static TorchSharp.torch;

namespace LayerScope.Attribution.Lrp;

/// <summary>
/// A <see cref="BidirectionalLstm"/> (PyTorch's gate order i, f, g, o) with the LSTM rules of Arras et al. 2017,
/// section 3: relevance of h_t goes wholly to c_t (signal-take-all: the output gate o is a gate, not a signal);
/// c_t = f ⊙ c_{t−1} + i ⊙ g splits it between c_{t−1} and the cell input g by the ε-rule; g's relevance goes wholly
/// through tanh to its pre-activation W_x x_t + W_h h_{t−1} + b, split by the ε-rule between x_t and h_{t−1}; gates i
/// and f receive none.
/// </summary>
internal sealed class LstmStep : RecurrentStep
{
    private const int CellInputBlock = 2;

    public LstmStep(string name, BidirectionalLstm layer) : base(name, layer.Lstm, layer.Units, gates: 4) { }

    protected override Tensor LastState(Tensor x, RecurrentWeights weights, bool reverse) => Run(x, weights, reverse)[^1].H;

    protected override void AddDirectionRelevance(Tensor x, RecurrentWeights d, bool reverse, Tensor relevance, double epsilon, Tensor total)
    {
        var steps = Run(x, d, reverse);
        var rh = relevance;
        var rc = zeros_like(rh);
        var wig = Block(d.Wih, CellInputBlock);
        var whg = Block(d.Whh, CellInputBlock);
        var bg = Block(d.Bih, CellInputBlock) + Block(d.Bhh, CellInputBlock);
        for (int s = steps.Count - 1; s >= 0; s--)
        {
            var step = steps[s];
            var cell = rc + rh;
            var toPrevious = StabilizedDivide(step.F * step.CPrev * cell, step.C, epsilon);
            var toInput = StabilizedDivide(step.I * step.G * cell, step.C, epsilon);
            var xt = x[.., step.T];
            var z = xt.matmul(wig.t()) + step.HPrev.matmul(whg.t()) + bg;
            var (toX, toH) = SplitPreActivation(xt, wig, step.HPrev, whg, stateGate: null, z, toInput, epsilon);
            total[.., step.T] += toX;
            rh = toH;
            rc = toPrevious;
        }
    }

    private sealed record StepState(int T, Tensor HPrev, Tensor CPrev, Tensor I, Tensor F, Tensor G, Tensor C, Tensor H);

    private List<StepState> Run(Tensor x, RecurrentWeights d, bool reverse)
    {
        long n = x.shape[0], time = x.shape[1];
        var h = zeros(n, Units, dtype: ScalarType.Float64);
        var c = zeros(n, Units, dtype: ScalarType.Float64);
        var bias = d.Bih + d.Bhh;
        var steps = new List<StepState>((int)time);
        for (int i = 0; i < time; i++)
        {
            int t = TimeAt(i, time, reverse);
            var pre = x[.., t].matmul(d.Wih.t()) + h.matmul(d.Whh.t()) + bias;
            var gates = pre.chunk(4, 1);
            var input = gates[0].sigmoid();
            var forget = gates[1].sigmoid();
            var cellInput = gates[CellInputBlock].tanh();
            var output = gates[3].sigmoid();
            var cNext = forget * c + input * cellInput;
            var hNext = output * cNext.tanh();
            steps.Add(new StepState(t, h, c, input, forget, cellInput, cNext, hNext));
            h = hNext;
            c = cNext;
        }
        return steps;
    }
}
