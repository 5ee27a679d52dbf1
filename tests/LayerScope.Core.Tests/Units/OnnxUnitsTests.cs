using LayerScope.Arrays;
using LayerScope.Gradients;
using LayerScope.Onnx;
using LayerScope.Onnx.Torch;
using LayerScope.Storage.Npy;
using LayerScope.Tests.Onnx.Torch;
using LayerScope.Units;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Units;

public class OnnxUnitsTests
{
    /// <summary>The 4-D (or 3-D) tensors of a fixture that carry a receptive field, by name.</summary>
    private static List<(string Tensor, OnnxFieldResult Field)> Fields(OnnxModel model, int spatial) =>
        model.Graph.Nodes.SelectMany(n => n.Outputs).Where(o => o.Length > 0).Distinct()
            .Select(t => (t, OnnxReceptiveField.Of(model, t, spatial))).Where(p => p.Item2.IsKnown).ToList();

    [Fact]
    public void The_graphs_geometry_gives_fields_that_hold_every_gradient_of_a_unit_and_no_more()
    {
        var fixture = TorchFixture.Find("resnet_cnn.onnx");
        var model = OnnxModel.Open(fixture.ModelPath);
        var input = NpyReader.ReadFloat32(TorchFixture.PathOf(fixture.Input));
        using var torchModel = OnnxTorchModel.Load(model);
        var fields = Fields(model, 2);
        Assert.Contains(fields, f => f.Field.Columns!.Jump == 2); // past the stride-2 convolution
        Assert.Contains(fields, f => f.Field.Rows!.Start != f.Field.Columns!.Start); // its padding (1, 0) differs per axis
        int checkedTensors = 0;
        foreach (var (tensor, field) in fields)
        {
            using var scope = torch.NewDisposeScope();
            var images = torch.tensor(input.Values, input.Shape);
            using var forward = torchModel.Forward(new Dictionary<string, Tensor> { [torchModel.InputNames[0]] = images }, ForwardRequest.Of(tensor));
            var output = forward[tensor];
            if (output.dim() != 4) continue;
            long row = output.shape[2] / 2, column = output.shape[3] / 2;
            var gradient = forward.Gradient(tensor, new UnitAt(row, column)).abs().sum([0L, 1L]);
            var (rows, columns) = (field.Rows!, field.Columns!);
            int top = rows.FirstFor((int)row), left = columns.FirstFor((int)column);
            var support = Support(gradient);
            Assert.True(support.Count > 0, $"{tensor}: no gradient");
            // Every input the unit depends on lies in the field ...
            Assert.All(support, p => Assert.True(p.Y >= top && p.Y < top + rows.Size && p.X >= left && p.X < left + columns.Size,
                $"{tensor}: gradient at ({p.Y}, {p.X}) outside rows {top}..{top + rows.Size - 1}, columns {left}..{left + columns.Size - 1}"));
            // ... and the field is no larger than what the unit reaches, within the image.
            long h = images.shape[2], w = images.shape[3];
            Assert.Equal(Math.Max(top, 0), support.Min(p => p.Y));
            Assert.Equal(Math.Min(top + rows.Size, h) - 1, support.Max(p => p.Y));
            Assert.Equal(Math.Max(left, 0), support.Min(p => p.X));
            Assert.Equal(Math.Min(left + columns.Size, w) - 1, support.Max(p => p.X));
            checkedTensors++;
        }
        Assert.True(checkedTensors >= 6, $"only {checkedTensors} tensors checked");
    }

    [Fact]
    public void A_1d_convolution_stack_has_its_field_along_the_length_and_a_flatten_has_none()
    {
        var model = OnnxModel.Open(TorchFixture.Find("conv1d.onnx").ModelPath);
        var fields = Fields(model, 1);
        // conv 5 (pad 2) then conv 3 dilated 2 (pad 2) then max-pool 2: 5 + 4 = 9 inputs, 1 + 1 = 2 per step.
        var pooled = fields.Single(f => f.Tensor.Contains("/pool/", StringComparison.Ordinal)).Field;
        Assert.Equal(new ReceptiveField(10, 2, -4), pooled.Columns);
        var flat = OnnxReceptiveField.Of(model, model.Graph.Nodes.First(n => n.OpType == "Reshape").Outputs[0], 1);
        Assert.False(flat.IsKnown);
        Assert.Contains("Reshape", flat.Problem!);
    }

    [Fact]
    public void The_onnx_runtime_scan_equals_a_brute_force_ranking_of_the_captured_layer()
    {
        var fixture = TorchFixture.Find("resnet_cnn.onnx");
        var model = OnnxModel.Open(fixture.ModelPath);
        var input = NpyReader.ReadFloat32(TorchFixture.PathOf(fixture.Input));
        string layer = model.Graph.Nodes.First(n => n.OpType == "Relu").Outputs[0];
        var full = OnnxActivationCapture.Run(model, new OnnxCaptureOptions { Layers = [layer], Inputs = [OnnxInputSource.FromArray(NpyArray.From(input))] })
            .Layers[0].ToFloat32Array();

        var scan = OnnxUnitScan.Run(model, input, new OnnxUnitScanOptions { Layer = layer, TopK = 3, ChunkRows = 2, FeatureMapExamples = [5, 1] });

        var top = scan.Layers[layer];
        int channels = (int)full.Shape[1], size = (int)(full.Shape[2] * full.Shape[3]);
        for (int c = 0; c < channels; c++)
        {
            var expected = Enumerable.Range(0, (int)full.Count).Select(e => (e, max: full.Example(e).Slice(c * size, size).ToArray().Max()))
                .OrderByDescending(p => p.max).ThenBy(p => p.e).Take(3).ToList();
            Assert.Equal(expected.Select(p => p.e), top.Top(c).Select(h => h.Example));
            Assert.Equal(expected.Select(p => p.max), top.Top(c).Select(h => h.Activation));
        }
        Assert.Equal(full.Example(5).ToArray(), scan.FeatureMaps[layer].Example(0).ToArray());
        Assert.Equal(full.Example(1).ToArray(), scan.FeatureMaps[layer].Example(1).ToArray());
    }

    [Fact]
    public void A_layer_without_channels_and_positions_is_refused_naming_the_setting_and_the_shape()
    {
        var fixture = TorchFixture.Find("resnet_cnn.onnx");
        var model = OnnxModel.Open(fixture.ModelPath);
        var input = NpyReader.ReadFloat32(TorchFixture.PathOf(fixture.Input));
        var error = Assert.Throws<Errors.InvalidSettingsException>(() => OnnxUnitScan.Run(model, input, new OnnxUnitScanOptions { Layer = "output" }));
        Assert.Contains("OnnxUnitScanOptions.Layer", error.Message);
        Assert.Contains("[N, C, H, W]", error.Message);
    }

    private static List<(long Y, long X)> Support(Tensor map)
    {
        var values = map.contiguous().data<float>().ToArray();
        long w = map.shape[1];
        return values.Select((v, i) => (v, i)).Where(p => p.v > 0).Select(p => ((long)(p.i / w), (long)(p.i % w))).ToList();
    }

    /// <summary>One position of every channel, summed over the batch.</summary>
    private sealed record UnitAt(long Row, long Column) : GradientSelector
    {
        public override Tensor Reduce(Tensor target) => target[.., .., Row, Column].sum();
    }
}
