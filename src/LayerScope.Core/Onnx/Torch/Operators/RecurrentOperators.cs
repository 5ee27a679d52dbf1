using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LayerScope.Onnx.Torch.Operators;

/// <summary>
/// ONNX's RNN, GRU and LSTM, written out step by step from the operator specification's equations (gate order
/// iofc for LSTM, zrh for GRU), so every activation list, clip, peephole, linear_before_reset, sequence_lens and
/// layout the specification allows is honoured, and autograd sees plain matrix products. (libtorch's fused LSTM is
/// not used: its float32 path on plain tensors disagrees with the equations, see DEVELOPERS.md.) The input projection
/// of all time steps is one matrix product; each step adds the recurrent product.
/// </summary>
internal static class RecurrentOperators
{
    public static IEnumerable<(string OpType, OnnxOperator Run)> Entries =>
    [
        ("LSTM", n => Run(n, RecurrentKind.Lstm)),
        ("GRU", n => Run(n, RecurrentKind.Gru)),
        ("RNN", n => Run(n, RecurrentKind.Rnn)),
    ];

    private enum RecurrentKind { Rnn, Gru, Lstm }

    private static Tensor?[] Run(OnnxNodeContext n, RecurrentKind kind)
    {
        int gates = kind switch { RecurrentKind.Lstm => 4, RecurrentKind.Gru => 3, _ => 1 };
        bool batchFirst = n.Int("layout", 0) != 0;
        var x = batchFirst ? n.Input(0).transpose(0, 1) : n.Input(0); // [time, batch, input]
        var (w, r, b) = (n.Input(1), n.Input(2), n.OptionalInput(3));
        var lengths = n.OptionalInput(4);
        var h0 = n.OptionalInput(5);
        var c0 = kind == RecurrentKind.Lstm ? n.OptionalInput(6) : null;
        var peepholes = kind == RecurrentKind.Lstm ? n.OptionalInput(7) : null;
        if (batchFirst)
        {
            h0 = h0?.transpose(0, 1);
            c0 = c0?.transpose(0, 1);
        }
        string direction = n.String("direction", "forward");
        int directions = direction == "bidirectional" ? 2 : 1;
        long hidden = n.Has("hidden_size") ? n.Int("hidden_size", 0) : r.shape[^1];
        if (w.shape[0] != directions || w.shape[1] != gates * hidden)
            throw new OnnxNodeException($"W has shape [{string.Join(", ", w.shape)}]; expected [{directions}, {gates * hidden}, input] for direction '{direction}' and hidden_size {hidden}");
        float? clip = n.Has("clip") ? n.Float("clip", 0) : null;
        var activations = Activations(n, kind, directions);
        int perDirection = activations.Count / directions;
        long steps = x.shape[0], batch = x.shape[1];
        // mask[t] is [batch, 1]: true while step t is inside that row's sequence.
        Tensor[]? masks = lengths is null ? null
            : Enumerable.Range(0, (int)steps).Select(t => lengths.to_type(ScalarType.Int64).gt(t).unsqueeze(1)).ToArray();

        var outputs = new List<Tensor>();
        var finalH = new List<Tensor>();
        var finalC = new List<Tensor>();
        for (int d = 0; d < directions; d++)
        {
            bool reverse = direction == "reverse" || d == 1;
            var act = activations.Skip(d * perDirection).Take(perDirection).ToArray();
            var wd = w[d];
            var rd = r[d];
            Tensor? wb = b?[d].narrow(0, 0, gates * hidden);
            Tensor? rb = b?[d].narrow(0, gates * hidden, gates * hidden);
            var h = h0?[d] ?? zeros([batch, hidden], x.dtype);
            var c = c0?[d] ?? zeros([batch, hidden], x.dtype);
            // The input projection of every step at once: [time, batch, gates * hidden].
            var projected = x.matmul(wd.t());
            if (wb is not null) projected += wb;
            var ys = new Tensor[steps];
            for (long s = 0; s < steps; s++)
            {
                long t = reverse ? steps - 1 - s : s;
                var xt = projected[t];
                Tensor hNew, cNew = c;
                switch (kind)
                {
                    case RecurrentKind.Lstm:
                    {
                        var g = xt + h.matmul(rd.t());
                        if (rb is not null) g += rb;
                        var (gi, go, gf, gc) = (g.narrow(1, 0, hidden), g.narrow(1, hidden, hidden), g.narrow(1, 2 * hidden, hidden), g.narrow(1, 3 * hidden, hidden));
                        if (peepholes is not null)
                        {
                            gi += peepholes[d].narrow(0, 0, hidden) * c;
                            gf += peepholes[d].narrow(0, 2 * hidden, hidden) * c;
                        }
                        var i = act[0](Clip(gi, clip));
                        var f = n.Int("input_forget", 0) != 0 ? 1.0 - i : act[0](Clip(gf, clip));
                        var candidate = act[1](Clip(gc, clip));
                        cNew = f * c + i * candidate;
                        if (peepholes is not null) go += peepholes[d].narrow(0, hidden, hidden) * cNew;
                        var o = act[0](Clip(go, clip));
                        hNew = o * act[2](cNew);
                        break;
                    }
                    case RecurrentKind.Gru:
                    {
                        var rz = rd.narrow(0, 0, 2 * hidden);
                        var rh = rd.narrow(0, 2 * hidden, hidden);
                        var recurrent = h.matmul(rz.t());
                        if (rb is not null) recurrent += rb.narrow(0, 0, 2 * hidden);
                        var z = act[0](Clip(xt.narrow(1, 0, hidden) + recurrent.narrow(1, 0, hidden), clip));
                        var reset = act[0](Clip(xt.narrow(1, hidden, hidden) + recurrent.narrow(1, hidden, hidden), clip));
                        var rbh = rb?.narrow(0, 2 * hidden, hidden);
                        Tensor candidateInput;
                        if (n.Int("linear_before_reset", 0) != 0)
                        {
                            var hh = h.matmul(rh.t());
                            if (rbh is not null) hh += rbh;
                            candidateInput = xt.narrow(1, 2 * hidden, hidden) + reset * hh;
                        }
                        else
                        {
                            candidateInput = xt.narrow(1, 2 * hidden, hidden) + (reset * h).matmul(rh.t());
                            if (rbh is not null) candidateInput += rbh;
                        }
                        var candidate = act[1](Clip(candidateInput, clip));
                        hNew = (1.0 - z) * candidate + z * h;
                        break;
                    }
                    default:
                    {
                        var g = xt + h.matmul(rd.t());
                        if (rb is not null) g += rb;
                        hNew = act[0](Clip(g, clip));
                        break;
                    }
                }
                if (masks is not null)
                {
                    // Past a row's length the state holds and the output is zero.
                    ys[t] = where(masks[t], hNew, zeros_like(hNew));
                    h = where(masks[t], hNew, h);
                    c = where(masks[t], cNew, c);
                }
                else
                {
                    ys[t] = hNew;
                    h = hNew;
                    c = cNew;
                }
            }
            outputs.Add(stack(ys, 0)); // [time, batch, hidden]
            finalH.Add(h);
            finalC.Add(c);
        }
        var y = stack(outputs, 1);      // [time, directions, batch, hidden]
        var yh = stack(finalH, 0);      // [directions, batch, hidden]
        var yc = stack(finalC, 0);
        if (batchFirst)
        {
            y = y.permute(2, 0, 1, 3);  // [batch, time, directions, hidden]
            yh = yh.transpose(0, 1);
            yc = yc.transpose(0, 1);
        }
        return kind == RecurrentKind.Lstm ? [y, yh, yc] : [y, yh];
    }

    private static Tensor Clip(Tensor x, float? clip) => clip is { } c ? x.clamp(-c, c) : x;

    /// <summary>The activation functions per direction (f, g, h for LSTM; f, g for GRU; f for RNN), with the spec's
    /// defaults. activation_alpha/beta are consumed in order by the functions that take them.</summary>
    private static List<Func<Tensor, Tensor>> Activations(OnnxNodeContext n, RecurrentKind kind, int directions)
    {
        string[] defaults = kind switch
        {
            RecurrentKind.Lstm => ["Sigmoid", "Tanh", "Tanh"],
            RecurrentKind.Gru => ["Sigmoid", "Tanh"],
            _ => ["Tanh"],
        };
        var names = n.Strings("activations") is { Length: > 0 } given ? given : Enumerable.Repeat(defaults, directions).SelectMany(a => a).ToArray();
        if (names.Length == defaults.Length && directions == 2) names = [.. names, .. names];
        if (names.Length != defaults.Length * directions)
            throw new OnnxNodeException($"{names.Length} activations for {directions} direction(s); expected {defaults.Length * directions}");
        var alphas = new Queue<float>(n.Floats("activation_alpha") ?? []);
        var betas = new Queue<float>(n.Floats("activation_beta") ?? []);
        float Next(Queue<float> q, float fallback) => q.Count > 0 ? q.Dequeue() : fallback;
        return names.Select(name => (Func<Tensor, Tensor>)(name.ToLowerInvariant() switch
        {
            "sigmoid" => t => t.sigmoid(),
            "tanh" => t => t.tanh(),
            "relu" => t => t.relu(),
            "softsign" => t => t / (t.abs() + 1.0),
            "softplus" => t => F.softplus(t),
            "hardsigmoid" => Bind(Next(alphas, 0.2f), Next(betas, 0.5f), (t, a, b) => (t * a + b).clamp(0.0, 1.0)),
            "leakyrelu" => Bind(Next(alphas, 0.01f), 0, (t, a, _) => F.leaky_relu(t, a)),
            "thresholdedrelu" => Bind(Next(alphas, 1f), 0, (t, a, _) => where(t.gt(a), t, zeros_like(t))),
            "scaledtanh" => Bind(Next(alphas, 1f), Next(betas, 1f), (t, a, b) => (t * b).tanh() * a),
            "affine" => Bind(Next(alphas, 1f), Next(betas, 0f), (t, a, b) => t * a + b),
            "elu" => Bind(Next(alphas, 1f), 0, (t, a, _) => F.elu(t, a)),
            _ => throw new OnnxNodeException($"recurrent activation '{name}' is not covered"),
        })).ToList();
    }

    private static Func<Tensor, Tensor> Bind(float alpha, float beta, Func<Tensor, double, double, Tensor> f) => t => f(t, alpha, beta);
}
