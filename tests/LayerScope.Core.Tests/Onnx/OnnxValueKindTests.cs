using LayerScope.Errors;
using LayerScope.Onnx;
using LayerScope.Storage.Npy;

namespace LayerScope.Tests.Onnx;

/// <summary>Values that are not tensors (sequences, maps, optionals) are listed with their kind and refused by capture.</summary>
public class OnnxValueKindTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Onnx", "Fixtures", name);

    [Fact]
    public void A_sequence_output_is_listed_as_a_sequence()
    {
        var table = OnnxModel.Open(Fixture("sequence_output.onnx")).Layers;

        var sequence = table.Outputs.Single(o => o.Name == "seq");
        Assert.False(sequence.IsTensor);
        Assert.Equal("sequence", sequence.TypeText);
        Assert.Equal("sequence", sequence.Describe());
        Assert.Equal("float32", table.Outputs.Single(o => o.Name == "relu").TypeText);
    }

    [Fact]
    public void Capturing_a_sequence_is_refused_naming_it()
    {
        var x = NpyArray.Create(new float[12], 4, 3);
        var error = Assert.Throws<LayerScopeException>(() => OnnxActivationCapture.Run(OnnxModel.Open(Fixture("sequence_output.onnx")), new OnnxCaptureOptions
        {
            Layers = ["seq"],
            Inputs = [OnnxInputSource.FromArray(x)],
        }));

        Assert.Contains("'seq'", error.Message, StringComparison.Ordinal);
        Assert.Contains("sequence", error.Message, StringComparison.Ordinal);
    }
}
