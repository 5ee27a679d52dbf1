using LayerScope.Units;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Units;

public class ReceptiveFieldTests
{
    // conv k3 s2 p1 → conv k3 s1 p2 dilation 2 → pool k2 s2. By hand, layer by layer (size, jump, start):
    // input (1, 1, 0); conv1: span 3 → (1 + 2·1, 2, 0 − 1·1) = (3, 2, −1);
    // conv2: span 5 → (3 + 4·2, 2, −1 − 2·2) = (11, 2, −5); pool: span 2 → (11 + 1·2, 4, −5) = (13, 4, −5).
    private static readonly WindowGeometry[] Stack = [new(3, 2, 1), new(3, 1, 2, 2), new(2, 2, 0)];

    [Fact]
    public void A_stride_2_padding_1_dilation_2_stack_gives_the_hand_computed_field()
    {
        var field = ReceptiveField.Of(Stack);

        Assert.Equal(new ReceptiveField(13, 4, -5), field);
        Assert.Equal(7, field.FirstFor(3)); // unit 3 covers inputs 7..19
    }

    [Fact]
    public void The_field_is_exactly_the_region_where_the_unit_has_a_gradient()
    {
        // Positive weights and inputs: every input inside the field reaches the unit (no cancellation), none outside.
        torch.manual_seed(3);
        using var scope = torch.NewDisposeScope();
        var conv1 = nn.Conv2d(1, 2, 3, stride: 2, padding: 1);
        var conv2 = nn.Conv2d(2, 2, 3, stride: 1, padding: 2, dilation: 2);
        using (torch.no_grad())
            foreach (var p in conv1.parameters().Concat(conv2.parameters())) p.abs_().add_(0.1);
        var input = torch.rand(1, 1, 40, 40).add(0.1).requires_grad_(true);
        var output = nn.functional.avg_pool2d(conv2.call(conv1.call(input)), 2, 2);
        var field = ReceptiveField.Of(Stack);

        foreach (var (row, column) in new[] { (3, 4), (0, 0), (4, 1) })
        {
            var gradient = torch.autograd.grad([output[0, 0, row, column]], [input], retain_graph: true)[0][0, 0];
            var touched = gradient.ne(0).nonzero();
            long top = touched[.., 0].min().item<long>(), bottom = touched[.., 0].max().item<long>();
            long left = touched[.., 1].min().item<long>(), right = touched[.., 1].max().item<long>();

            Assert.Equal(Math.Max(0, field.FirstFor(row)), top);
            Assert.Equal(field.FirstFor(row) + field.Size - 1, bottom);
            Assert.Equal(Math.Max(0, field.FirstFor(column)), left);
            Assert.Equal(field.FirstFor(column) + field.Size - 1, right);
        }
    }

    [Fact]
    public void A_patch_is_the_input_under_the_field_with_padding_marked_missing()
    {
        var input = Enumerable.Range(0, 2 * 20 * 20).Select(i => (float)i).ToArray();
        var field = ReceptiveField.Of(Stack);

        var patch = ReceptivePatch.Extract(input, 2, 20, 20, field, field, row: 0, column: 2);

        Assert.Equal((2, 13, 13, -5, 3), (patch.Channels, patch.Rows, patch.Columns, patch.Top, patch.Left));
        Assert.True(float.IsNaN(patch.Values[4 * 13])); // row −1 is padding
        Assert.Equal(input[(1 * 20 + 0) * 20 + 3], patch.Values[(1 * 13 + 5) * 13 + 0]); // channel 1, input row 0, column 3
        Assert.Equal(input[(0 * 20 + 7) * 20 + 15], patch.Values[(0 * 13 + 12) * 13 + 12]);
        Assert.Equal(2 * 5 * 13, patch.Values.Count(float.IsNaN));
    }

    [Fact]
    public void Invalid_geometry_is_refused_naming_the_layer_and_the_value()
    {
        var error = Assert.Throws<LayerScope.Errors.InvalidSettingsException>(() => ReceptiveField.Of([new(3), new(0, 0)]));

        Assert.Contains("layer 1.Kernel", error.Message);
        Assert.Contains("layer 1.Stride", error.Message);
    }
}
