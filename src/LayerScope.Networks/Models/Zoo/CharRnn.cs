using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Models.Zoo;

/// <summary>
/// A character-level LSTM language model in the style of Karpathy's char-rnn: one-hot characters in, stacked
/// single-layer LSTMs (named lstm1, lstm2, ...), a linear layer (output) giving the next character's logits.
/// </summary>
/// <remarks>
/// Input is one-hot, shaped [batch, time, vocabulary], so <see cref="Capture.ActivationCapture"/> and
/// <see cref="LayerTable"/> can feed it plain float tensors. Each layer is its own <see cref="LSTM"/> so that hooks see
/// every layer's hidden states h_t. TorchSharp's LSTM returns only the last cell state, so <see cref="CellStates"/>
/// steps the same equations with the layers' own weights to get c_t at every step, the quantity Karpathy's
/// visualisations color the text by.
/// </remarks>
public sealed class CharRnn : nn.Module<Tensor, Tensor>
{
    private readonly List<LSTM> _layers = [];
    private readonly Linear output;

    /// <summary>Builds the model for <paramref name="vocabularySize"/> characters with <paramref name="layers"/> LSTM
    /// layers of <paramref name="hiddenSize"/> cells each.</summary>
    public CharRnn(int vocabularySize, int hiddenSize = 128, int layers = 2) : base($"charrnn-{layers}x{hiddenSize}")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        VocabularySize = vocabularySize;
        HiddenSize = hiddenSize;
        for (int i = 0; i < layers; i++)
        {
            var lstm = nn.LSTM(i == 0 ? vocabularySize : hiddenSize, hiddenSize, batchFirst: true);
            // Registered by hand: the layers are in a list, so reflection would not find their names.
            register_module(LayerName(i), lstm);
            _layers.Add(lstm);
        }
        output = nn.Linear(hiddenSize, vocabularySize);
        register_module(nameof(output), output);
    }

    /// <summary>Characters in and out.</summary>
    public int VocabularySize { get; }

    /// <summary>Cells per LSTM layer.</summary>
    public int HiddenSize { get; }

    /// <summary>The LSTM layers' names, input side first: lstm1, lstm2, ...</summary>
    public IReadOnlyList<string> LayerNames => Enumerable.Range(0, _layers.Count).Select(LayerName).ToList();

    /// <summary>The name of LSTM layer <paramref name="index"/> (0-based): "lstm1" for 0.</summary>
    public static string LayerName(int index) => $"lstm{index + 1}";

    /// <summary>Next-character logits [batch, time, vocabulary] for one-hot input [batch, time, vocabulary], starting
    /// from zero states.</summary>
    public override Tensor forward(Tensor input) => Run(input, null).Logits;

    /// <summary>Like <see cref="forward(Tensor)"/> but starting from <paramref name="state"/> (one (h, c) pair per layer,
    /// each [1, batch, hidden]; null for zeros) and returning the state after the last step, to carry on.</summary>
    public (Tensor Logits, IReadOnlyList<(Tensor H, Tensor C)> State) Run(Tensor input, IReadOnlyList<(Tensor H, Tensor C)>? state)
    {
        var x = input;
        var next = new List<(Tensor, Tensor)>(_layers.Count);
        for (int i = 0; i < _layers.Count; i++)
        {
            var (y, h, c) = _layers[i].call(x, state?[i]);
            next.Add((h, c));
            x = y;
        }
        return (output.call(x), next);
    }

    /// <summary>
    /// Runs one sequence (one-hot [time, vocabulary]) from zero states and returns, for every layer, its cell states
    /// c_t and hidden states h_t as [time, hidden] row-major floats, stepping the LSTM equations
    /// (i, f, g, o = σ, σ, tanh, σ of W_ih x + b_ih + W_hh h + b_hh; c = f c + i g; h = o tanh c) with each layer's weights.
    /// </summary>
    public IReadOnlyList<(float[] Cells, float[] Hidden)> CellStates(Tensor sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        if (sequence.dim() != 2 || sequence.shape[1] != VocabularySize)
            throw new ArgumentException($"expected a one-hot sequence [time, {VocabularySize}], got [{string.Join(", ", sequence.shape)}].", nameof(sequence));
        long steps = sequence.shape[0];
        var result = new List<(float[], float[])>(_layers.Count);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = sequence.to(ScalarType.Float32);
        foreach (var lstm in _layers)
        {
            var p = lstm.named_parameters().ToDictionary(n => n.name, n => (Tensor)n.parameter);
            var inputPart = x.matmul(p["weight_ih_l0"].t()) + p["bias_ih_l0"] + p["bias_hh_l0"];
            var recurrent = p["weight_hh_l0"].t();
            var h = torch.zeros(HiddenSize);
            var c = torch.zeros(HiddenSize);
            var hs = new List<Tensor>((int)steps);
            var cs = new List<Tensor>((int)steps);
            for (long t = 0; t < steps; t++)
            {
                var gates = (inputPart[t] + h.matmul(recurrent)).chunk(4);
                c = torch.sigmoid(gates[1]) * c + torch.sigmoid(gates[0]) * torch.tanh(gates[2]);
                h = torch.sigmoid(gates[3]) * torch.tanh(c);
                hs.Add(h);
                cs.Add(c);
            }
            x = torch.stack(hs);
            result.Add((torch.stack(cs).contiguous().data<float>().ToArray(), x.contiguous().data<float>().ToArray()));
        }
        return result;
    }
}
