using LayerScope.Storage.Npy;
using LayerScope.Testing;

namespace LayerScope.Cli.Tests.Commands;

/// <summary><c>layerscope explain</c> on the reference MLP: files written, and the axioms users rely on.</summary>
public sealed class ExplainCommandTests
{
    [OnnxFact("mlp.onnx")]
    public void Integrated_gradients_write_relevance_of_the_input_shape_and_are_complete()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("ig");
        var run = CliRun.Of("explain", "--model", TestData.OnnxFile("mlp.onnx"), "--input", TestData.OnnxFile("mlp_input.npy"),
            "--method", "ig", "--target", "0", "--steps", "64", "--out", output);

        Assert.True(run.ExitCode == 0, run.Error);
        var input = NpyReader.Read(TestData.OnnxFile("mlp_input.npy"));
        var relevance = NpyReader.Read(Path.Combine(output, "relevance.npy"));
        Assert.Equal(input.Shape, relevance.Shape);
        Assert.True(File.Exists(Path.Combine(output, "scores.npy")));
        Assert.True(File.Exists(Path.Combine(output, "explain.json")));
        // Completeness (Sundararajan et al. 2017): Σ relevance = f(x) − f(baseline), reported per example.
        Assert.Contains("Largest |Σ relevance − expected|", run.Output, StringComparison.Ordinal);
        var match = System.Text.RegularExpressions.Regex.Match(run.Output, @"expected\|: (?<delta>[-+0-9.Ee]+?)\.?\s*$", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(match.Success, run.Output);
        var delta = double.Parse(match.Groups["delta"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(delta) < 0.05, $"completeness gap {delta}");
    }

    [OnnxFact("mlp.onnx")]
    public void An_unknown_method_is_refused_with_the_flag_and_nothing_is_written()
    {
        using var folder = new TemporaryFolder();
        var output = folder.File("out");
        var run = CliRun.Of("explain", "--model", TestData.OnnxFile("mlp.onnx"), "--input", TestData.OnnxFile("mlp_input.npy"),
            "--method", "magic", "--out", output);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--method", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ExplainOptions", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }
}
