using LayerScope.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerScope.Models.Zoo;

/// <summary>
/// The sequence classifier of MATLAB's "Visualize Activations of LSTM Network" for the Japanese Vowels data: sequence
/// input (12 features per frame) → LSTM (100 hidden units, batch first) → fully connected (9 speakers) on the last
/// hidden state. The output is one logit per class; the softmax is applied by the cross-entropy loss, and the
/// predicted class is the largest logit.
/// </summary>
/// <remarks>Layers are named lstm and fc; both are invoked with call() so they can be captured. The network computes in
/// float32 (inputs of any floating type are converted). It used to compute in float64 because of a reported float32
/// discrepancy of nn.LSTM that does not reproduce: float32 outputs and gradients, plain and packed, agree with the LSTM
/// equations in float64 (VowelsLstmTests, BiLstmEquationTests, LstmGradientTests; DEVELOPERS.md, "LSTMs on the CPU").</remarks>
public sealed class VowelsLstm : nn.Module<Tensor, Tensor>, ISequenceClassifier
{
    private readonly LSTM lstm;
    private readonly Linear fc;

    /// <summary>Builds a randomly initialised network (seed it with torch.manual_seed first).</summary>
    public VowelsLstm(int inputs = 12, int hiddenUnits = 100, int classes = 9) : base("vowels-lstm")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenUnits, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        HiddenUnits = hiddenUnits;
        lstm = nn.LSTM(inputs, hiddenUnits, batchFirst: true);
        fc = nn.Linear(hiddenUnits, classes);
        RegisterComponents();
    }

    /// <summary>Hidden (and cell) units of the LSTM.</summary>
    public int HiddenUnits { get; }

    /// <summary>The LSTM layer, e.g. to step its trained weights with <see cref="Capture.LstmStepper"/>.</summary>
    public LSTM Lstm => lstm;

    /// <summary>The name of the LSTM layer ("lstm").</summary>
    public const string LstmLayer = "lstm";

    /// <summary>Logits [N, classes] for a batch of sequences that all have the full length: input [N, T, features].</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (_, hidden, _) = lstm.call(input.to(ScalarType.Float32));
        return fc.call(hidden[0]);
    }

    /// <summary>Logits [N, classes] for zero-padded sequences [N, T, features] of the given lengths [N] (int64, on the
    /// CPU): the LSTM runs on the packed batch, so padding never reaches the state.</summary>
    public Tensor Classify(Tensor padded, Tensor lengths) => Classify(padded, lengths, packedOutput: null);

    /// <inheritdoc />
    public Tensor Classify(Tensor padded, Tensor lengths, Action<string, Tensor>? packedOutput)
    {
        ArgumentNullException.ThrowIfNull(padded);
        using var packed = nn.utils.rnn.pack_padded_sequence(padded.to(ScalarType.Float32), lengths, batch_first: true, enforce_sorted: false);
        var (output, hidden, _) = lstm.call(packed);
        // The packed output's data: h_t of every sequence at each of its own steps, which no hook sees.
        packedOutput?.Invoke(LstmLayer, output.data);
        output.Dispose();
        return fc.call(hidden[0]);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> PackedRecurrentLayers => [LstmLayer];
}
