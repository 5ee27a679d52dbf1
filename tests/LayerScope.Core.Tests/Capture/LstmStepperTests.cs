using LayerScope.Capture;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Capture;

public class LstmStepperTests
{
    private static readonly int[] Lengths = [7, 3, 5, 1, 7, 2];

    [Fact]
    public void Stepped_states_equal_an_lstm_cell_with_the_same_weights_for_variable_lengths()
    {
        torch.manual_seed(3);
        using var lstm = nn.LSTM(4, 6, batchFirst: true);
        using var cell = nn.LSTMCell(4, 6);
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            var weights = lstm.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, parameter) in cell.named_parameters()) parameter.copy_(weights[name + "_l0"]);
        }
        var input = Padded(Lengths, 4);

        var states = LstmStepper.Run(lstm, input, Lengths);

        Assert.Equal(new long[] { 6, 7, 6 }, states.Shape);
        using var noGrad = torch.no_grad();
        for (int n = 0; n < Lengths.Length; n++)
        {
            var h = zeros(1, 6);
            var c = zeros(1, 6);
            for (int t = 0; t < Lengths[n]; t++)
            {
                (h, c) = cell.call(input[n, t].unsqueeze(0), (h, c));
                AssertClose(h.data<float>().ToArray(), states.HiddenAt(n, t), $"h of sequence {n} at step {t}");
                AssertClose(c.data<float>().ToArray(), states.CellAt(n, t), $"c of sequence {n} at step {t}");
            }
            for (int t = Lengths[n]; t < 7; t++)
            {
                Assert.All(states.HiddenAt(n, t).ToArray(), v => Assert.True(float.IsNaN(v)));
                Assert.All(states.CellAt(n, t).ToArray(), v => Assert.True(float.IsNaN(v)));
            }
        }
    }

    [Fact]
    public void Stepped_states_equal_nn_lstm_outputs_on_a_packed_batch_of_variable_lengths()
    {
        torch.manual_seed(5);
        using var lstm = nn.LSTM(3, 8, batchFirst: true);
        using var scope = torch.NewDisposeScope();
        var input = Padded(Lengths, 3);
        var states = LstmStepper.Run(lstm, input, Lengths);

        using var noGrad = torch.no_grad();
        var packed = nn.utils.rnn.pack_padded_sequence(input, tensor(Lengths.Select(l => (long)l).ToArray()), batch_first: true, enforce_sorted: false);
        var (output, hidden, cell) = lstm.call(packed);
        var (padded, _) = nn.utils.rnn.pad_packed_sequence(output, batch_first: true);
        var outputs = padded.contiguous().data<float>().ToArray();
        var lastHidden = hidden[0].contiguous().data<float>().ToArray();
        var lastCell = cell[0].contiguous().data<float>().ToArray();
        for (int n = 0; n < Lengths.Length; n++)
        {
            for (int t = 0; t < Lengths[n]; t++)
                AssertClose(outputs.AsSpan((n * 7 + t) * 8, 8), states.HiddenAt(n, t), $"h of sequence {n} at step {t}");
            AssertClose(lastHidden.AsSpan(n * 8, 8), states.HiddenAt(n, Lengths[n] - 1), $"h_n of sequence {n}");
            AssertClose(lastCell.AsSpan(n * 8, 8), states.CellAt(n, Lengths[n] - 1), $"c_n of sequence {n}");
        }
        Assert.Equal(Enumerable.Range(0, 6).SelectMany(n => states.HiddenAt(n, Lengths[n] - 1).ToArray()), states.FinalHidden());
    }

    [Fact]
    public void Units_over_time_is_a_unit_by_step_matrix_of_the_sequence()
    {
        torch.manual_seed(1);
        using var lstm = nn.LSTM(2, 5, batchFirst: true);
        using var scope = torch.NewDisposeScope();
        var states = LstmStepper.Run(lstm, Padded([4, 2], 2), [4, 2]);

        var matrix = states.UnitsOverTime(1, [3, 0], cell: true);

        Assert.Equal((2, 2), (matrix.GetLength(0), matrix.GetLength(1)));
        Assert.Equal(states.CellAt(1, 1)[3], (float)matrix[0, 1]);
        Assert.Equal(states.CellAt(1, 0)[0], (float)matrix[1, 0]);
    }

    [Fact]
    public void A_two_layer_lstm_is_refused()
    {
        using var lstm = nn.LSTM(2, 3, numLayers: 2, batchFirst: true);
        using var input = zeros(1, 2, 2);
        var error = Assert.Throws<ArgumentException>(() => LstmStepper.Run(lstm, input, [2]));
        Assert.Contains("single-layer", error.Message);
    }

    /// <summary>Random sequences [N, max length, features], zero beyond each length.</summary>
    private static Tensor Padded(int[] lengths, int features)
    {
        var values = randn(lengths.Length, lengths.Max(), features);
        for (int n = 0; n < lengths.Length; n++) values[n, lengths[n]..] = zeros(lengths.Max() - lengths[n], features);
        return values;
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"{what}, unit {i}: expected {expected[i]}, stepped {actual[i]}");
    }
}
