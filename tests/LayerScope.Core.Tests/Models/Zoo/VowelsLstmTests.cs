using LayerScope.Capture;
using LayerScope.Models.Zoo;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Models.Zoo;

public class VowelsLstmTests
{
    [Fact]
    public void Plain_and_packed_forward_give_the_same_logits_for_full_length_sequences()
    {
        torch.manual_seed(11);
        using var model = new VowelsLstm();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var input = randn(5, 9, 12);

        var plain = model.call(input);
        var packed = model.Classify(input, full(5, 9, dtype: ScalarType.Int64));

        Assert.Equal(new long[] { 5, 9 }, plain.shape);
        // float32 throughout: plain (oneDNN) and packed paths must agree to float32 rounding.
        Assert.True(plain.allclose(packed, rtol: 1e-5, atol: 1e-6), "nn.LSTM on a plain tensor and on a packed batch disagree");
    }

    [Fact]
    public void Stepped_hidden_states_equal_the_plain_lstm_outputs_of_the_trained_model_type()
    {
        torch.manual_seed(12);
        using var model = new VowelsLstm();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var input = randn(3, 8, 12);

        var states = LstmStepper.Run(model.Lstm, input, [8, 8, 8]);
        var (output, _, cell) = model.Lstm.call(input.to(ScalarType.Float32));

        var expected = output.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        var lastCell = cell[0].to(ScalarType.Float32).contiguous().data<float>().ToArray();
        for (int n = 0; n < 3; n++)
        {
            for (int t = 0; t < 8; t++)
            {
                var stepped = states.HiddenAt(n, t);
                for (int u = 0; u < 100; u++)
                    Assert.True(Math.Abs(expected[(n * 8 + t) * 100 + u] - stepped[u]) <= 1e-5, $"h of sequence {n}, step {t}, unit {u}");
            }
            var c = states.CellAt(n, 7);
            for (int u = 0; u < 100; u++)
                Assert.True(Math.Abs(lastCell[n * 100 + u] - c[u]) <= 1e-5, $"last c of sequence {n}, unit {u}");
        }
    }
}
