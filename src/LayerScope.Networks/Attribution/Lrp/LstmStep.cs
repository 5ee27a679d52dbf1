using LayerScope.Models.Zoo;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Attribution.Lrp;

/// <summary>
/// A (bidirectional) single-layer LSTM that outputs the last state of each direction (<see cref="BidirectionalLstm"/>:
/// forward state after t = T − 1, backward state after t = 0), replayed step by step in float64 from its weights
/// (PyTorch's gate order i, f, g, o), with the LSTM rules of Arras et al. 2017 ("Explaining recurrent neural network
/// predictions in sentiment analysis", section 3): relevance of h_t goes wholly to c_t (signal-take-all: the output
/// gate o is a gate, not a signal); c_t = f ⊙ c_{t−1} + i ⊙ g splits it between c_{t−1} and the cell input g by the
/// ε-rule; g's relevance goes wholly through tanh to its pre-activation W_x x_t + W_h h_{t−1} + b, split by the
/// ε-rule between x_t and h_{t−1}; gates i and f receive none. Both directions run the same way and their input
/// relevances add.
/// </summary>
internal sealed class LstmStep : LayerStep
{
    private readonly (Tensor Wih, Tensor Whh, Tensor Bias)[] _directions;
    private readonly long _units;
    private static readonly string[] DirectionSuffixes = ["", "_reverse"];

    public LstmStep(string name, BidirectionalLstm layer) : base(name)
    {
        var lstm = layer.Lstm;
        var parameters = lstm.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().to(ScalarType.Float64));
        _units = layer.Units;
        _directions = DirectionSuffixes.Select(suffix => (parameters["weight_ih_l0" + suffix], parameters["weight_hh_l0" + suffix],
            (parameters.GetValueOrDefault("bias_ih_l0" + suffix) ?? zeros(4 * _units, dtype: ScalarType.Float64))
            + (parameters.GetValueOrDefault("bias_hh_l0" + suffix) ?? zeros(4 * _units, dtype: ScalarType.Float64)))).ToArray();
    }

    public override Tensor Forward(Tensor input)
    {
        var x = input.to(ScalarType.Float64);
        var states = _directions.Select((d, k) => Run(x, d, reverse: k == 1).Last().H).ToArray();
        return cat(states, 1).to(input.dtype);
    }

    public override Tensor Relevance(Tensor input, Tensor output, Tensor relevance, LrpRule rule, double epsilon)
    {
        using var scope = NewDisposeScope();
        var x = input.to(ScalarType.Float64);
        var r = relevance.to(ScalarType.Float64);
        var total = zeros_like(x);
        for (int k = 0; k < _directions.Length; k++)
        {
            var d = _directions[k];
            var steps = Run(x, d, reverse: k == 1);
            var rh = r[.., (int)(k * _units)..(int)((k + 1) * _units)];
            var rc = zeros_like(rh);
            var wig = d.Wih[(int)(2 * _units)..(int)(3 * _units)];
            var whg = d.Whh[(int)(2 * _units)..(int)(3 * _units)];
            var bg = d.Bias[(int)(2 * _units)..(int)(3 * _units)];
            for (int s = steps.Count - 1; s >= 0; s--)
            {
                var step = steps[s];
                var cell = rc + rh;
                var toPrevious = StabilizedDivide(step.F * step.CPrev * cell, step.C, epsilon);
                var toInput = StabilizedDivide(step.I * step.G * cell, step.C, epsilon);
                var xt = x[.., step.T];
                var z = xt.matmul(wig.t()) + step.HPrev.matmul(whg.t()) + bg;
                var sg = StabilizedDivide(toInput, z, epsilon);
                total[.., step.T] += xt * sg.matmul(wig);
                rh = step.HPrev * sg.matmul(whg);
                rc = toPrevious;
            }
        }
        return total.to(input.dtype).MoveToOuterDisposeScope();
    }

    private sealed record StepState(int T, Tensor HPrev, Tensor CPrev, Tensor I, Tensor F, Tensor G, Tensor C, Tensor H);

    private List<StepState> Run(Tensor x, (Tensor Wih, Tensor Whh, Tensor Bias) d, bool reverse)
    {
        long n = x.shape[0], time = x.shape[1];
        var h = zeros(n, _units, dtype: ScalarType.Float64);
        var c = zeros(n, _units, dtype: ScalarType.Float64);
        var steps = new List<StepState>((int)time);
        for (int i = 0; i < time; i++)
        {
            int t = reverse ? (int)time - 1 - i : i;
            var pre = x[.., t].matmul(d.Wih.t()) + h.matmul(d.Whh.t()) + d.Bias;
            var gates = pre.chunk(4, 1);
            var input = gates[0].sigmoid();
            var forget = gates[1].sigmoid();
            var cellInput = gates[2].tanh();
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
