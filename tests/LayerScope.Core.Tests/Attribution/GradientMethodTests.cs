using LayerScope.Attribution;
using LayerScope.Attribution.Lrp;
using LayerScope.Onnx;
using LayerScope.Onnx.Torch;
using LayerScope.Tests.Onnx.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Tests.Attribution;

/// <summary>Integrated gradients' completeness (Sundararajan et al. 2017), on a built-in style module and on an ONNX
/// model through the TorchSharp executor; occlusion on ONNX Runtime alone; guided backpropagation.</summary>
public sealed class GradientMethodTests
{
    private static ExplainedModel Smooth(long seed = 11)
    {
        manual_seed(seed);
        var module = nn.Sequential(("fc1", nn.Linear(6, 16)), ("tanh", nn.Tanh()), ("fc2", nn.Linear(16, 3))).to(ScalarType.Float64);
        return new ExplainedModel(new ModuleDifferentiableModel(module), ModuleDifferentiableModel.OutputName);
    }

    [Fact]
    public void Integrated_gradients_are_complete_within_1_percent_at_64_steps_and_improve_with_steps()
    {
        using var scope = NewDisposeScope();
        var explained = Smooth();
        var inputs = TinyModels.Inputs([4, 6]) * 4 - 2;
        var ig = new IntegratedGradients(explained);
        var errors = new List<double>();
        foreach (var steps in new[] { 2, 8, 64 })
        {
            var result = ig.Attribute(inputs, 2, new IntegratedGradientsOptions { Steps = steps });
            var sums = result.SumPerExample();
            errors.Add(result.ConvergenceDelta!.Zip(sums, (d, s) => Math.Abs(d) / Math.Abs(s - d)).Max());
        }
        Assert.True(errors[^1] < 0.01, $"completeness error at 64 steps: {errors[^1]:P3}");
        Assert.True(errors[0] > errors[1] && errors[1] > errors[2], $"errors at 2, 8, 64 steps: {string.Join(", ", errors)}");
    }

    [Fact]
    public void Integrated_gradients_on_an_onnx_cnn_are_complete_within_1_percent()
    {
        using var scope = NewDisposeScope();
        var fixture = TorchFixture.Find("resnet_cnn.onnx");
        using var model = OnnxTorchModel.Load(fixture.ModelPath, new OnnxTorchOptions { DoublePrecision = true });
        var inputs = tensor(LayerScope.Storage.Npy.NpyReader.Read(TorchFixture.PathOf(fixture.Input)).ToFloat64()).view(-1, 3, 16, 16)[..2];
        var result = new IntegratedGradients(new ExplainedModel(model, "output")).Attribute(inputs, 0,
            new IntegratedGradientsOptions { Steps = 64, Baseline = IntegratedGradientsBaseline.Blurred, BlurSigma = 2 });
        var sums = result.SumPerExample();
        for (int n = 0; n < sums.Length; n++)
        {
            double expected = sums[n] - result.ConvergenceDelta![n];
            Assert.True(Math.Abs(result.ConvergenceDelta[n]) <= 0.01 * Math.Abs(expected), $"example {n}: Σ = {sums[n]}, f(x) − f(x′) = {expected}");
        }
    }

    [Fact]
    public void Integrated_gradients_on_token_ids_integrate_over_the_embedding()
    {
        using var scope = NewDisposeScope();
        var model = TinyModels.Lstm();
        var explained = new ExplainedModel(new ModuleDifferentiableModel(model), "dense", Embedding: "embedding");
        var result = new IntegratedGradients(explained).Attribute(TinyModels.Tokens(2, 6), 0,
            new IntegratedGradientsOptions { Steps = 64, Baseline = IntegratedGradientsBaseline.PaddingToken });
        Assert.Equal([2L, 6, 5], result.Relevance.Shape);
        Assert.Equal([2L, 6], result.PerPosition().Shape);
        var sums = result.SumPerExample();
        for (int n = 0; n < 2; n++)
            Assert.True(Math.Abs(result.ConvergenceDelta![n]) <= 0.01 * Math.Abs(sums[n] - result.ConvergenceDelta[n]) + 1e-6);
    }

    [Fact]
    public void Occlusion_on_onnx_runtime_matches_occlusion_on_the_torch_executor()
    {
        using var scope = NewDisposeScope();
        var fixture = TorchFixture.Find("resnet_cnn.onnx");
        var inputs = tensor(LayerScope.Storage.Npy.NpyReader.Read(TorchFixture.PathOf(fixture.Input)).ToFloat32()).view(-1, 3, 16, 16)[..2];
        using var ort = new OnnxRuntimeScorer(OnnxModel.Open(fixture.ModelPath));
        using var torchModel = OnnxTorchModel.Load(fixture.ModelPath);
        var options = new OcclusionOptions { Window = 4, Stride = 4 };
        var viaOrt = new Occlusion(ort).Attribute(inputs, 1, options);
        var viaTorch = new Occlusion(new DifferentiableScorer(new ExplainedModel(torchModel, "output"))).Attribute(inputs, 1, options);
        Assert.Equal([2L, 3, 16, 16], viaOrt.Relevance.Shape);
        Assert.Contains(viaOrt.Relevance.Values, v => Math.Abs(v) > 1e-4);
        for (int i = 0; i < viaOrt.Relevance.Values.Length; i++) Assert.Equal(viaTorch.Relevance.Values[i], viaOrt.Relevance.Values[i], 3);
    }

    [Fact]
    public void Guided_backprop_equals_the_gradient_when_every_backward_signal_is_positive()
    {
        using var scope = NewDisposeScope();
        var module = TinyModels.Dense();
        // With non-negative weights above the first layer, every signal reaching a ReLU is ≥ 0, so guided
        // backpropagation's extra mask changes nothing; a wrong mask (deconvnet's, or none) would differ.
        using (no_grad())
            foreach (var (name, p) in module.named_parameters())
                if (!name.StartsWith("fc1", StringComparison.Ordinal)) p.abs_();
        var inputs = TinyModels.Inputs([3, 6]);
        var guided = new GuidedBackprop(module).Attribute(inputs, 0);
        var explained = new ExplainedModel(new ModuleDifferentiableModel(module), ModuleDifferentiableModel.OutputName);
        var (gradient, _, _) = ClassGradientsProbe(explained, inputs);
        for (int i = 0; i < gradient.Length; i++) Assert.Equal(gradient[i], guided.Relevance.Values[i], 5);
        var deconv = new Deconvnet(module).Attribute(inputs, 0);
        Assert.NotEqual(guided.Relevance.Values, deconv.Relevance.Values);
    }

    [Fact]
    public void Guided_backprop_explains_a_chosen_channel_of_a_conv_layer()
    {
        using var scope = NewDisposeScope();
        var result = new GuidedBackprop(TinyModels.Conv()).Attribute(TinyModels.Inputs([2, 1, 8, 8]), 3, new UnitOptions { Layer = "conv2" });
        Assert.Equal([2L, 1, 8, 8], result.Relevance.Shape);
        Assert.Throws<LayerScope.Errors.InvalidSettingsException>(() =>
            new GuidedBackprop(TinyModels.Conv()).Attribute(TinyModels.Inputs([2, 1, 8, 8]), 9, new UnitOptions { Layer = "conv2" }));
    }

    private static (float[] Gradient, float[] Source, float[] Scores) ClassGradientsProbe(ExplainedModel explained, Tensor inputs)
    {
        var saliencyFree = new GradientTimesInput(explained).Attribute(inputs, 0);
        var x = inputs.to(ScalarType.Float32).data<float>().ToArray();
        return (saliencyFree.Relevance.Values.Select((v, i) => x[i] == 0 ? 0 : v / x[i]).ToArray(), x, saliencyFree.ClassScores.Values);
    }
}
