using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LayerScope.Tests.Models.Zoo;

/// <summary>libtorch 2.x sends a float32 CPU nn.LSTM on a plain tensor through oneDNN (mkldnn_rnn), forward and
/// backward, but a packed sequence and float64 through its own kernels: training the IMDB BiLSTM in float32 is right
/// only if the oneDNN gradients are.</summary>
public class LstmGradientTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(128, 64, 100, 8, true)]
    [InlineData(12, 7, 23, 5, false)]
    public void Float32_gradients_plain_and_packed_match_float64_for_weights_biases_and_input(int inputs, int units, int steps, int batch, bool bidirectional)
    {
        torch.manual_seed(5);
        using var lstm32 = nn.LSTM(inputs, units, bidirectional: bidirectional, batchFirst: true);
        using var lstm64 = nn.LSTM(inputs, units, bidirectional: bidirectional, batchFirst: true, dtype: ScalarType.Float64);
        using (torch.no_grad())
        {
            var weights64 = lstm64.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, parameter) in lstm32.named_parameters()) weights64[name].copy_(parameter);
        }
        using var scope = torch.NewDisposeScope();
        var x = randn(batch, steps, inputs, dtype: ScalarType.Float64);
        var probe = randn(bidirectional ? 2 : 1, batch, units, dtype: ScalarType.Float64);

        var reference = Gradients(lstm64, x, probe, packed: false);
        foreach (var packed in new[] { false, true })
        {
            var actual = Gradients(lstm32, x.to(ScalarType.Float32), probe, packed);
            foreach (var (name, expected) in reference)
            {
                double error = (actual[name] - expected).abs().max().item<double>() / Math.Max(1, expected.abs().max().item<double>());
                output.WriteLine($"{(packed ? "packed" : "plain")} {name}: {error:E2}");
                Assert.True(error <= 1e-5, $"float32 {(packed ? "packed" : "plain")} gradient of {name} differs from float64 by {error:E2} (relative to max(|g|, 1))");
            }
        }
    }

    /// <summary>Gradients of sum(h_n ⊙ probe) with respect to every parameter and the input, in float64.</summary>
    private static Dictionary<string, Tensor> Gradients(LSTM lstm, Tensor x, Tensor probe, bool packed)
    {
        lstm.zero_grad();
        var input = x.detach().requires_grad_(true);
        Tensor hidden;
        if (packed)
        {
            var sequence = nn.utils.rnn.pack_padded_sequence(input, full(x.shape[0], x.shape[1], dtype: ScalarType.Int64), batch_first: true, enforce_sorted: false);
            (_, hidden, _) = lstm.call(sequence);
        }
        else
        {
            (_, hidden, _) = lstm.call(input);
        }
        (hidden.to(ScalarType.Float64) * probe).sum().backward();
        var gradients = lstm.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.to(ScalarType.Float64).clone());
        gradients["input"] = input.grad!.to(ScalarType.Float64).clone();
        return gradients;
    }
}
