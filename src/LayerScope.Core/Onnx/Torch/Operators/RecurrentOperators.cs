using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LayerScope.Onnx.Torch.Operators;

/// <summary>
/// ONNX's RNN, GRU and LSTM. The forms PyTorch itself exports (default activations, no clip or peepholes, GRU with
/// linear_before_reset = 1, weights stored as initializers, full-length sequences) run on libtorch's fused LSTM/GRU
/// kernel, with the weights put in PyTorch's gate order once at load (<see cref="Fused"/>): a step-by-step loop costs
/// a dozen small kernels per time step, which dominates a text model's forward pass. Every other form is written out
/// step by step from the operator specification's equations (gate order iofc for LSTM, zrh for GRU), so every
/// activation list, clip, peephole, linear_before_reset, sequence_lens and layout the specification allows is
/// honoured. The input projection of all time steps is one matrix product; each step adds the recurrent product.
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
        CheckShapes(n, kind);
        if (n.Cache.Get<Fused>() is { } fused && fused.Covers(n)) return fused.Run(n);
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

    /// <summary>Checks X, W, R, B and the initial states against each other before any product: libtorch's matmul,
    /// reached through TorchSharp, ends the process on a mismatch instead of raising an error.</summary>
    private static void CheckShapes(OnnxNodeContext n, RecurrentKind kind)
    {
        static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";
        var (x, w, r, b) = (n.Input(0), n.Input(1), n.Input(2), n.OptionalInput(3));
        if (x.dim() != 3) throw new OnnxNodeException($"X has shape {Shape(x)}; expected 3 axes");
        if (w.dim() != 3 || r.dim() != 3) throw new OnnxNodeException($"W {Shape(w)} and R {Shape(r)} must have 3 axes");
        bool batchFirst = n.Int("layout", 0) != 0;
        long batch = x.shape[batchFirst ? 0 : 1];
        long directions = w.shape[0], hidden = r.shape[2];
        long gates = kind switch { RecurrentKind.Lstm => 4, RecurrentKind.Gru => 3, _ => 1 };
        if (x.shape[2] != w.shape[2]) throw new OnnxNodeException($"X has {x.shape[2]} features per step; W {Shape(w)} expects {w.shape[2]}");
        if (r.shape[0] != directions || r.shape[1] != gates * hidden)
            throw new OnnxNodeException($"R has shape {Shape(r)}; expected [{directions}, {gates * hidden}, {hidden}]");
        if (b is not null && (b.dim() != 2 || b.shape[0] != directions || b.shape[1] != 2 * gates * hidden))
            throw new OnnxNodeException($"B has shape {Shape(b)}; expected [{directions}, {2 * gates * hidden}]");
        long[] state = batchFirst ? [batch, directions, hidden] : [directions, batch, hidden];
        foreach (int index in kind == RecurrentKind.Lstm ? new[] { 5, 6 } : [5])
            if (n.OptionalInput(index) is { } s && !s.shape.SequenceEqual(state))
                throw new OnnxNodeException($"initial state (input {index}) has shape {Shape(s)}; expected [{string.Join(", ", state)}]");
        if (kind == RecurrentKind.Lstm && n.OptionalInput(7) is { } p && !p.shape.SequenceEqual([directions, 3 * hidden]))
            throw new OnnxNodeException($"P has shape {Shape(p)}; expected [{directions}, {3 * hidden}]");
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

    /// <summary>How many runs of a node's fused kernel had its two directions at once (tests).</summary>
    public static long RunsWithDirectionsAtOnce(OnnxNodeCache cache) => cache.Get<Fused>()?.RunsAtOnce ?? 0;

    /// <summary>Builds the fused kernel for a node when its form allows (see the class remarks); null otherwise.</summary>
    public static IDisposable? Prepare(OnnxPlanStep step, Func<string, Tensor?> weight, ScalarType floatType, RecurrentDirections directions)
    {
        var node = step.Node;
        var kind = node.OpType switch { "LSTM" => RecurrentKind.Lstm, "GRU" => RecurrentKind.Gru, _ => (RecurrentKind?)null };
        if (kind is not { } k) return null;
        var attributes = step.Attributes;
        string[] defaults = k == RecurrentKind.Lstm ? ["sigmoid", "tanh", "tanh"] : ["sigmoid", "tanh"];
        if (attributes.TryGetValue("activations", out var given) && given.StringList.Count > 0
            && !given.StringList.Select(a => a.ToLowerInvariant()).SequenceEqual(Enumerable.Repeat(defaults, given.StringList.Count / defaults.Length).SelectMany(d => d)))
            return null;
        if (attributes.ContainsKey("clip")) return null;
        if (k == RecurrentKind.Lstm && attributes.TryGetValue("input_forget", out var forget) && forget.I != 0) return null;
        if (k == RecurrentKind.Gru && (!attributes.TryGetValue("linear_before_reset", out var linear) || linear.I == 0)) return null;
        string Input(int i) => i < node.Inputs.Count ? node.Inputs[i] : "";
        if (k == RecurrentKind.Lstm && Input(7).Length > 0) return null; // peepholes
        if (weight(Input(1)) is not { } w || weight(Input(2)) is not { } r) return null;
        Tensor? b = Input(3).Length > 0 ? weight(Input(3)) : null;
        if (Input(3).Length > 0 && b is null) return null;
        int directionCount = w.shape[0] == 2 ? 2 : 1;
        string direction = attributes.TryGetValue("direction", out var d) ? d.S : "forward";
        if (direction == "reverse" || (direction == "bidirectional") != (directionCount == 2)) return null;
        long hidden = r.shape[^1];
        int gates = k == RecurrentKind.Lstm ? 4 : 3;
        if (w.dim() != 3 || r.dim() != 3 || w.shape[1] != gates * hidden || r.shape[1] != gates * hidden) return null;
        if (b is not null && (b.dim() != 2 || b.shape[1] != 2 * gates * hidden)) return null;
        return new Fused(k, w, r, b, hidden, directionCount, floatType, directions);
    }

    /// <summary>
    /// A node on libtorch's LSTM or GRU module, holding the node's weights in PyTorch's layout: gates ifgo instead of
    /// ONNX's iofc (LSTM), rzn instead of zrh (GRU), and the input and recurrent biases as separate vectors.
    /// PyTorch's GRU is ONNX's with linear_before_reset = 1.
    /// A bidirectional node also holds each direction as a one-direction module, so that with two threads to spare
    /// (<see cref="OnnxNodeContext.Threads"/>) a large layer's directions run at once, one thread each: they share
    /// nothing but the input, and a step is a dozen small kernels that libtorch gains little from splitting.
    /// </summary>
    private sealed class Fused : IDisposable
    {
        private readonly RecurrentKind _kind;
        private readonly TorchSharp.torch.nn.Module _module;
        // Forward and reverse direction on their own, for running both at once; null for one-direction nodes.
        private readonly TorchSharp.torch.nn.Module[]? _perDirection;
        private readonly int _directions;
        private readonly long _hidden;
        private readonly RecurrentDirections _mode;
        private readonly long _inputSize;
        private long _runsAtOnce;

        /// <summary>How many runs had their reverse direction on a pool thread, at once with the forward one (tests).</summary>
        public long RunsAtOnce => Interlocked.Read(ref _runsAtOnce);

        public Fused(RecurrentKind kind, Tensor w, Tensor r, Tensor? b, long hidden, int directions, ScalarType floatType, RecurrentDirections mode)
        {
            (_kind, _hidden, _directions, _mode) = (kind, hidden, directions, mode);
            long input = w.shape[2];
            _inputSize = input;
            TorchSharp.torch.nn.Module Create(bool bidirectional) => kind == RecurrentKind.Lstm
                ? TorchSharp.torch.nn.LSTM(input, hidden, bidirectional: bidirectional, dtype: floatType)
                : TorchSharp.torch.nn.GRU(input, hidden, bidirectional: bidirectional, dtype: floatType);
            _module = Create(directions == 2);
            Load(_module, kind, w, r, b, hidden, Enumerable.Range(0, directions).ToArray());
            if (directions == 2 && mode != RecurrentDirections.OneModule)
            {
                _perDirection = [Create(false), Create(false)];
                for (int d = 0; d < 2; d++) Load(_perDirection[d], kind, w, r, b, hidden, [d]);
            }
        }

        /// <summary>Copies directions <paramref name="sources"/> of the ONNX weights into <paramref name="module"/>'s
        /// layers (its first direction from sources[0], its reverse one from sources[1]), in PyTorch's gate order.</summary>
        private static void Load(TorchSharp.torch.nn.Module module, RecurrentKind kind, Tensor w, Tensor r, Tensor? b, long hidden, int[] sources)
        {
            module.eval();
            long[] order = kind == RecurrentKind.Lstm ? [0, 2, 3, 1] : [1, 0, 2];
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            Tensor Reorder(Tensor t) => cat(order.Select(g => t.narrow(0, g * hidden, hidden)).ToList(), 0);
            for (int slot = 0; slot < sources.Length; slot++)
            {
                int d = sources[slot];
                string suffix = slot == 0 ? "_l0" : "_l0_reverse";
                parameters["weight_ih" + suffix].copy_(Reorder(w[d]));
                parameters["weight_hh" + suffix].copy_(Reorder(r[d]));
                long gates = order.Length * hidden;
                if (b is null)
                {
                    parameters["bias_ih" + suffix].zero_();
                    parameters["bias_hh" + suffix].zero_();
                }
                else
                {
                    parameters["bias_ih" + suffix].copy_(Reorder(b[d].narrow(0, 0, gates)));
                    parameters["bias_hh" + suffix].copy_(Reorder(b[d].narrow(0, gates, gates)));
                }
            }
            foreach (var p in parameters.Values) p.requires_grad_(false);
        }

        /// <summary>False when this run needs the stepped equations: sequences shorter than the input.</summary>
        public bool Covers(OnnxNodeContext n)
        {
            if (n.OptionalInput(4) is not { } lengths) return true;
            long steps = n.Input(0).shape[n.Int("layout", 0) != 0 ? 1 : 0];
            return OnnxNodeContext.Longs(lengths).All(l => l == steps);
        }

        public Tensor?[] Run(OnnxNodeContext n)
        {
            bool batchFirst = n.Int("layout", 0) != 0;
            var x = batchFirst ? n.Input(0).transpose(0, 1) : n.Input(0); // [time, batch, input]
            long steps = x.shape[0], batch = x.shape[1];
            Tensor? State(int index) => n.OptionalInput(index) is { } s ? (batchFirst ? s.transpose(0, 1) : s).contiguous() : null;
            var h0 = State(5);
            var c0 = _kind == RecurrentKind.Lstm ? State(6) : null;
            // With nothing that requires a gradient, grad mode records nothing, and libtorch's CPU LSTM/GRU runs about
            // a fifth faster with it on than under no_grad (measured with bench onnx-torch); so a pass without
            // gradients turns it on around the kernel.
            bool records = n.Inputs.Any(t => t is not null && t.requires_grad);
            bool gradMode = !records || is_grad_enabled();
            Tensor y, yh, yc;
            if (_perDirection is { } pair && n.Threads >= 2 && (_mode == RecurrentDirections.PoolThread || WorthASecondThread(steps, batch)))
            {
                (y, yh, yc) = RunDirectionsAtOnce(pair, x, h0, c0, gradMode, n.Threads);
            }
            else
            {
                using var mode = gradMode && !is_grad_enabled() ? enable_grad() : null;
                (y, yh, yc) = Forward(_module, x, h0, c0, batch);
                // libtorch's [time, batch, directions * hidden] is ONNX's [time, directions, batch, hidden].
                y = y.view(steps, batch, _directions, _hidden).permute(0, 2, 1, 3);
            }
            if (batchFirst)
            {
                y = y.permute(2, 0, 1, 3);  // [batch, time, directions, hidden]
                yh = yh.transpose(0, 1);
                yc = yc.transpose(0, 1);
            }
            return _kind == RecurrentKind.Lstm ? [y, yh, yc] : [y, yh];
        }

        /// <summary>
        /// Whether one direction is enough work to gain from a second thread: at least <see cref="SecondThreadProducts"/>
        /// multiply-adds in its gate products. Handing a direction to a pool thread and joining it costs more than a
        /// small layer's direction saves: the text fixture's 2-layer BiLSTM (hidden 8, 12 steps, batch 256, 1.8
        /// million per direction) ran back to back in 1.43 ms with its directions in one module, 1.53 ms at once
        /// (bench onnx-ab, quiet; bench/RESULTS.md, session 7). The threshold is an estimate: no layer that large was timed.
        /// </summary>
        private bool WorthASecondThread(long steps, long batch)
        {
            long input = _inputSize, gates = _kind == RecurrentKind.Lstm ? 4 : 3;
            return (double)steps * batch * gates * _hidden * (input + _hidden) >= SecondThreadProducts;
        }

        /// <summary>Multiply-adds per direction from which the directions run at once: about 2 ms of one core's work.</summary>
        private const double SecondThreadProducts = 2e7;

        /// <summary>One module's pass: y [time, batch, directions * hidden], the final h and c [directions, batch,
        /// hidden] (for a GRU, c is h).</summary>
        private (Tensor Y, Tensor H, Tensor C) Forward(TorchSharp.torch.nn.Module module, Tensor x, Tensor? h0, Tensor? c0, long batch)
        {
            if (_kind == RecurrentKind.Lstm)
            {
                long directions = h0?.shape[0] ?? c0?.shape[0] ?? 0;
                (Tensor, Tensor)? state = h0 is null && c0 is null ? null
                    : (h0 ?? zeros([directions, batch, _hidden], x.dtype), c0 ?? zeros([directions, batch, _hidden], x.dtype));
                return ((TorchSharp.Modules.LSTM)module).forward(x, state);
            }
            var (y, h) = ((TorchSharp.Modules.GRU)module).forward(x, h0);
            return (y, h, h);
        }

        /// <summary>
        /// The forward direction on the calling thread and the reverse one (over the time-reversed input) offered to a
        /// pool thread, each on half the libtorch threads; joined in ONNX's layout [time, directions, batch, hidden].
        /// Whoever comes first runs the reverse direction: when the pool thread has not started by the time the
        /// caller is done with its own direction (a loaded machine can take milliseconds to schedule it), the caller
        /// runs it too, so a pass is never much slower than both directions on one thread.
        /// Grad mode and dispose scopes belong to a thread: the pool thread sets the caller's mode and hands back
        /// tensors outside any scope, which are disposed here once joined into tensors of the caller's scope.
        /// </summary>
        private (Tensor Y, Tensor H, Tensor C) RunDirectionsAtOnce(TorchSharp.torch.nn.Module[] pair, Tensor x, Tensor? h0, Tensor? c0,
            bool gradMode, int threads)
        {
            long batch = x.shape[1];
            int each = Math.Max(threads / 2, 1);
            Tensor? Direction(Tensor? state, int d) => state?.narrow(0, d, 1);
            (Tensor Y, Tensor H, Tensor C) RunReverse()
            {
                var (y, h, c) = Forward(pair[1], x.flip(0), Direction(h0, 1), Direction(c0, 1), batch);
                return (y.flip(0), h, c);
            }
            int claimed = 0;
            var offered = Task.Run(() =>
            {
                if (Interlocked.Exchange(ref claimed, 1) != 0) return ((Tensor Y, Tensor H, Tensor C)?)null;
                Interlocked.Increment(ref _runsAtOnce);
                int before = get_num_threads();
                if (before != each) set_num_threads(each);
                try
                {
                    using var mode = gradMode ? enable_grad() : no_grad();
                    using var scope = NewDisposeScope();
                    var result = RunReverse();
                    result.Y.DetachFromDisposeScope();
                    result.H.DetachFromDisposeScope();
                    if (!ReferenceEquals(result.C, result.H)) result.C.DetachFromDisposeScope();
                    return result;
                }
                finally
                {
                    if (before != each) set_num_threads(before);
                }
            });
            (Tensor Y, Tensor H, Tensor C) forward;
            int callerThreads = get_num_threads();
            if (callerThreads != each) set_num_threads(each);
            try
            {
                using var mode = gradMode && !is_grad_enabled() ? enable_grad() : null;
                forward = Forward(pair[0], x, Direction(h0, 0), Direction(c0, 0), batch);
            }
            catch
            {
                // The forward direction's failure is the one reported; the pool thread is still waited for, so that
                // no tensor of this node outlives the call.
                Interlocked.Exchange(ref claimed, 1);
                try { if (offered.GetAwaiter().GetResult() is { } done) Release(done); }
                catch (Exception) { /* reported through the forward direction's failure */ }
                throw;
            }
            finally
            {
                if (callerThreads != each) set_num_threads(callerThreads);
            }
            using var joinMode = gradMode && !is_grad_enabled() ? enable_grad() : null;
            (Tensor Y, Tensor H, Tensor C) Join((Tensor Y, Tensor H, Tensor C) reverse) =>
                (stack([forward.Y, reverse.Y], 1), cat([forward.H, reverse.H], 0), cat([forward.C, reverse.C], 0));
            if (_mode != RecurrentDirections.PoolThread && Interlocked.Exchange(ref claimed, 1) == 0)
                return Join(RunReverse()); // in this call's scope
            var back = offered.GetAwaiter().GetResult()!.Value;
            try
            {
                return Join(back);
            }
            finally
            {
                Release(back);
            }
        }

        private static void Release((Tensor Y, Tensor H, Tensor C) tensors)
        {
            tensors.Y.Dispose();
            tensors.H.Dispose();
            if (!ReferenceEquals(tensors.C, tensors.H)) tensors.C.Dispose();
        }

        public void Dispose()
        {
            _module.Dispose();
            foreach (var module in _perDirection ?? []) module.Dispose();
        }
    }
}
