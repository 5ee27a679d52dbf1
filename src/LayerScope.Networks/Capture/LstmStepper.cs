using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Capture;

/// <summary>
/// Replays a trained single-layer, unidirectional LSTM one time step at a time to record what
/// <see cref="LSTM"/> does not return: the cell state c_t at every step (it returns every h_t but only the last c_t).
/// Each step applies PyTorch's LSTM equations to the layer's own weights:
/// i, f, g, o = σ, σ, tanh, σ of (x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), c_t = f ⊙ c_{t-1} + i ⊙ g,
/// h_t = o ⊙ tanh(c_t), starting from zero states.
/// </summary>
public static class LstmStepper
{
    /// <summary>Steps <paramref name="lstm"/> through zero-padded sequences <paramref name="padded"/> [N, T, inputs]
    /// (batch first) of the given <paramref name="lengths"/>.</summary>
    /// <exception cref="ArgumentException">The LSTM has more than one layer, is bidirectional or has a projection, or
    /// the input's shape or the lengths do not fit.</exception>
    public static LstmStates Run(LSTM lstm, Tensor padded, IReadOnlyList<int> lengths)
    {
        ArgumentNullException.ThrowIfNull(lstm);
        ArgumentNullException.ThrowIfNull(padded);
        ArgumentNullException.ThrowIfNull(lengths);
        var parameters = lstm.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        if (parameters.Keys.Any(name => name.EndsWith("_reverse", StringComparison.Ordinal) || name.EndsWith("_l1", StringComparison.Ordinal) || name.StartsWith("weight_hr", StringComparison.Ordinal)))
            throw new ArgumentException("Only a single-layer, unidirectional LSTM without projection can be stepped; "
                + $"this one has parameters {string.Join(", ", parameters.Keys)}.", nameof(lstm));
        if (padded.dim() != 3)
            throw new ArgumentException($"The input must be [sequences, time steps, features]; it is [{string.Join(", ", padded.shape)}].", nameof(padded));
        int count = (int)padded.shape[0], steps = (int)padded.shape[1];
        if (lengths.Count != count)
            throw new ArgumentException($"{count} sequences need {count} lengths, not {lengths.Count}.", nameof(lengths));
        if (lengths.Any(length => length < 1 || length > steps))
            throw new ArgumentException($"Every length must be between 1 and the {steps} time steps of the input.", nameof(lengths));

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var weightIh = parameters["weight_ih_l0"].detach();
        var weightHh = parameters["weight_hh_l0"].detach();
        int units = (int)weightHh.shape[1];
        var input = padded.detach().to(weightIh.dtype);
        // The input part of every step at once: [N, T, 4H].
        var fromInput = input.matmul(weightIh.t());
        if (parameters.TryGetValue("bias_ih_l0", out var biasIh)) fromInput = fromInput + biasIh.detach();
        if (parameters.TryGetValue("bias_hh_l0", out var biasHh)) fromInput = fromInput + biasHh.detach();
        var recurrent = weightHh.t();

        var h = zeros(count, units, dtype: weightIh.dtype);
        var c = zeros(count, units, dtype: weightIh.dtype);
        var hiddenSteps = new List<Tensor>(steps);
        var cellSteps = new List<Tensor>(steps);
        for (int t = 0; t < steps; t++)
        {
            var gates = fromInput.select(1, t) + h.matmul(recurrent);
            var chunks = gates.chunk(4, 1);
            var i = chunks[0].sigmoid();
            var f = chunks[1].sigmoid();
            var g = chunks[2].tanh();
            var o = chunks[3].sigmoid();
            c = f * c + i * g;
            h = o * c.tanh();
            hiddenSteps.Add(h);
            cellSteps.Add(c);
        }
        var hidden = Masked(stack(hiddenSteps, 1), lengths, units);
        var cell = Masked(stack(cellSteps, 1), lengths, units);
        return new LstmStates(hidden, cell, count, steps, units, [.. lengths]);
    }

    /// <summary>The [N, T, H] states as float32 values with every step at or beyond a sequence's length set to NaN.</summary>
    private static float[] Masked(Tensor states, IReadOnlyList<int> lengths, int units)
    {
        var values = states.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        int steps = (int)states.shape[1];
        for (int n = 0; n < lengths.Count; n++)
            values.AsSpan((n * steps + lengths[n]) * units, (steps - lengths[n]) * units).Fill(float.NaN);
        return values;
    }
}
