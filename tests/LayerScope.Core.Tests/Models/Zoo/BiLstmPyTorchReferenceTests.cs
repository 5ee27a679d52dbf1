using LayerScope.Storage.Npy;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Models.Zoo;

/// <summary>The cross-check of issue 10: a float32 bidirectional LSTM in TorchSharp, given PyTorch's weights and input,
/// computes what PyTorch computed (reference arrays from Fixtures/make_bilstm_reference.py, Debian's python3-torch 1.13).</summary>
public class BiLstmPyTorchReferenceTests
{
    private static Tensor Load(string name)
    {
        var array = NpyReader.Read(Path.Combine(AppContext.BaseDirectory, "Models", "Zoo", "Fixtures", $"bilstm_{name}.npy"));
        return tensor(array.GetData<float>(), array.Shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Float32_bidirectional_lstm_matches_pytorch_on_the_same_weights(bool packed)
    {
        using var scope = NewDisposeScope();
        using var lstm = nn.LSTM(8, 6, bidirectional: true, batchFirst: true);
        using (no_grad())
        {
            foreach (var (name, parameter) in lstm.named_parameters()) parameter.copy_(Load(name));
        }
        var x = Load("input");

        Tensor output, h, c;
        using (no_grad())
        {
            if (packed)
            {
                using var sequence = nn.utils.rnn.pack_padded_sequence(x, full(3, 7, dtype: ScalarType.Int64), batch_first: true);
                var (packedOutput, hidden, cell) = lstm.call(sequence);
                output = nn.utils.rnn.pad_packed_sequence(packedOutput, batch_first: true).Item1;
                (h, c) = (hidden, cell);
            }
            else
            {
                (output, h, c) = lstm.call(x);
            }
        }

        Assert.True(output.allclose(Load("output"), rtol: 1e-5, atol: 1e-6), "outputs differ from PyTorch's");
        Assert.True(h.allclose(Load("h"), rtol: 1e-5, atol: 1e-6), "final hidden states differ from PyTorch's");
        Assert.True(c.allclose(Load("c"), rtol: 1e-5, atol: 1e-6), "final cell states differ from PyTorch's");
    }
}
