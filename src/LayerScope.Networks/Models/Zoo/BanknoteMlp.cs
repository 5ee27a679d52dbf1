using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Models.Zoo;

/// <summary>
/// A small multilayer perceptron for the banknote data: 4 inputs, ReLU hidden layers of the given widths, one sigmoid
/// output (probability of "forged"). With hidden widths [2] (4→2→1) or [3, 2] (4→3→2→1) the last hidden layer has
/// two units, which can be plotted directly without any reduction.
/// </summary>
/// <remarks>Layers are named fc1, relu1, fc2, relu2, ..., output, sigmoid. Every child is invoked with call() so that
/// every layer can be captured.</remarks>
public sealed class BanknoteMlp : nn.Module<Tensor, Tensor>
{
    private readonly List<(Linear Linear, ReLU Activation)> _hidden = [];
    private readonly Linear output;
    private readonly Sigmoid sigmoid;

    public BanknoteMlp(IReadOnlyList<int> hiddenWidths, int inputs = 4) : base(NameFor(inputs, hiddenWidths))
    {
        if (hiddenWidths.Count == 0) throw new ArgumentException("at least one hidden layer is needed", nameof(hiddenWidths));
        HiddenWidths = hiddenWidths;
        int width = inputs;
        for (int i = 0; i < hiddenWidths.Count; i++)
        {
            var linear = nn.Linear(width, hiddenWidths[i]);
            var activation = nn.ReLU();
            // Registered by hand: the fields are in a list, so reflection would not find their names.
            register_module($"fc{i + 1}", linear);
            register_module($"relu{i + 1}", activation);
            _hidden.Add((linear, activation));
            width = hiddenWidths[i];
        }
        output = nn.Linear(width, 1);
        sigmoid = nn.Sigmoid();
        register_module(nameof(output), output);
        register_module(nameof(sigmoid), sigmoid);
    }

    /// <summary>Widths of the hidden layers, input side first.</summary>
    public IReadOnlyList<int> HiddenWidths { get; }

    /// <summary>The name of the last hidden layer's activation (the layer to plot), e.g. "relu1".</summary>
    public string LastHiddenLayer => $"relu{HiddenWidths.Count}";

    /// <summary>"mlp-4-2-1" for inputs 4 and hidden widths [2].</summary>
    public static string NameFor(int inputs, IReadOnlyList<int> hiddenWidths) =>
        $"mlp-{inputs}-{string.Join("-", hiddenWidths)}-1";

    /// <summary>Returns the probability of class 1 for each row, shaped [N, 1].</summary>
    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var (linear, activation) in _hidden) x = activation.call(linear.call(x));
        return sigmoid.call(output.call(x));
    }
}
