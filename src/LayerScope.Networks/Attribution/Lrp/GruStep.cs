using LayerScope.Models.Zoo;
using static TorchSharp.torch;

namespace LayerScope.Attribution.Lrp;

/// <summary>
/// A <see cref="BidirectionalGru"/> (PyTorch's gate order r, z, n: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
/// h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}) with the rules of Arras et al. 2017 carried over from the LSTM: the gates z and r
/// receive no relevance (signal-take-all); h_t's relevance splits between the products (1 − z) ⊙ n and z ⊙ h_{t−1} by
/// the ε-rule, the gate factor riding along with its signal; n's share goes wholly through tanh to its pre-activation,
/// split by the ε-rule between x_t and the reset-gated recurrent term r ⊙ W_hn h_{t−1}.
/// </summary>
internal sealed class GruStep : RecurrentStep
{
    private const int ResetBlock = 0, UpdateBlock = 1, CandidateBlock = 2;

    public GruStep(string name, BidirectionalGru layer) : base(name, layer.Gru, layer.Units, gates: 3) { }

    protected override Tensor LastState(Tensor x, RecurrentWeights weights, bool reverse) => Run(x, weights, reverse)[^1].H;

    protected override void AddDirectionRelevance(Tensor x, RecurrentWeights d, bool reverse, Tensor relevance, double epsilon, Tensor total)
    {
        var steps = Run(x, d, reverse);
        var rh = relevance;
        var win = Block(d.Wih, CandidateBlock);
        var whn = Block(d.Whh, CandidateBlock);
        for (int s = steps.Count - 1; s >= 0; s--)
        {
            var step = steps[s];
            var kept = StabilizedDivide(step.Z * step.HPrev * rh, step.H, epsilon);
            var toCandidate = StabilizedDivide((1 - step.Z) * step.N * rh, step.H, epsilon);
            var xt = x[.., step.T];
            var (toX, toH) = SplitPreActivation(xt, win, step.HPrev, whn, step.R, step.NPre, toCandidate, epsilon);
            total[.., step.T] += toX;
            rh = kept + toH;
        }
    }

    private sealed record StepState(int T, Tensor HPrev, Tensor R, Tensor Z, Tensor NPre, Tensor N, Tensor H);

    private List<StepState> Run(Tensor x, RecurrentWeights d, bool reverse)
    {
        long n = x.shape[0], time = x.shape[1];
        var h = zeros(n, Units, dtype: ScalarType.Float64);
        var steps = new List<StepState>((int)time);
        for (int i = 0; i < time; i++)
        {
            int t = TimeAt(i, time, reverse);
            var fromInput = (x[.., t].matmul(d.Wih.t()) + d.Bih).chunk(3, 1);
            var fromState = (h.matmul(d.Whh.t()) + d.Bhh).chunk(3, 1);
            var reset = (fromInput[ResetBlock] + fromState[ResetBlock]).sigmoid();
            var update = (fromInput[UpdateBlock] + fromState[UpdateBlock]).sigmoid();
            var candidatePre = fromInput[CandidateBlock] + reset * fromState[CandidateBlock];
            var candidate = candidatePre.tanh();
            var hNext = (1 - update) * candidate + update * h;
            steps.Add(new StepState(t, h, reset, update, candidatePre, candidate, hNext));
            h = hNext;
        }
        return steps;
    }
}
