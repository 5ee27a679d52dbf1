using LayerScope.Attribution;
using LayerScope.Attribution.Lrp;
using LayerScope.Onnx.Torch;
using static TorchSharp.torch;

namespace LayerScope.Workflows.Explanation;

/// <summary>The model an attribution method runs on: the gradient view every method can use, the TorchSharp module
/// that layer-wise methods walk (null for an ONNX model), and the ONNX model whose occlusion runs on ONNX Runtime.</summary>
public sealed record AttributionSubject(ExplainedModel Explained, nn.Module<Tensor, Tensor>? Module = null, OnnxTorchModel? Onnx = null);

/// <summary>Settings shared by the methods.</summary>
/// <param name="Steps">Integrated-gradients steps.</param>
/// <param name="Seed">SmoothGrad's noise.</param>
/// <param name="SmoothGradSamples">Noisy copies SmoothGrad averages.</param>
/// <param name="PixelRange">The box inputs lie in (pixels in 0..1): the LRP composite's z^B input rule; null: flat.</param>
/// <param name="Baseline">What integrated gradients integrate from.</param>
/// <param name="PaddingToken">The padding token id of <see cref="IntegratedGradientsBaseline.PaddingToken"/>.</param>
/// <param name="UnitLayer">Guided backpropagation and the deconvnet: the layer whose channel <c>target</c> is explained
/// instead of class <c>target</c>; null: the class.</param>
public sealed record AttributionSettings(int Steps = 64, long Seed = 1, int SmoothGradSamples = 50, (double Low, double High)? PixelRange = null,
    IntegratedGradientsBaseline Baseline = IntegratedGradientsBaseline.Zeros, long PaddingToken = 0, string? UnitLayer = null);

/// <summary>Every method by its command-line name: the one place <c>explain</c>, the demos' relevance sections and
/// their tests choose a method by name.</summary>
public static class AttributionMethods
{
    public static IReadOnlyList<string> Names { get; } =
        ["lrp-0", "lrp-epsilon", "lrp-gamma", "lrp-alphabeta", "lrp-composite", "ig", "gradient-x-input", "saliency", "smoothgrad", "guided-backprop", "deconvnet", "occlusion"];

    /// <summary>Whether the method walks TorchSharp layers (needs <see cref="AttributionSubject.Module"/>).</summary>
    public static bool WalksLayers(string method) => method.StartsWith("lrp", StringComparison.Ordinal) || method is "guided-backprop" or "deconvnet";

    public static AttributionResult Run(string method, AttributionSubject subject, Tensor inputs, long target, AttributionSettings? settings = null)
    {
        var s = settings ?? new AttributionSettings();
        var module = subject.Module;
        if (WalksLayers(method) && module is null)
            throw new ArgumentException($"method '{method}' walks TorchSharp layers; the subject has no module.", nameof(subject));
        return method switch
        {
            "lrp-0" => new LayerwiseRelevance(module!, LrpComposite.Uniform(LrpRule.Zero), method).Attribute(inputs, target),
            "lrp-epsilon" => new LayerwiseRelevance(module!, LrpComposite.Uniform(LrpRule.EpsilonRule(0.25)), method).Attribute(inputs, target),
            "lrp-gamma" => new LayerwiseRelevance(module!, LrpComposite.Uniform(LrpRule.GammaRule(0.25)), method).Attribute(inputs, target),
            "lrp-alphabeta" => new LayerwiseRelevance(module!, LrpComposite.Uniform(LrpRule.AlphaBetaRule(2, 1)), method).Attribute(inputs, target),
            "lrp-composite" => new LayerwiseRelevance(module!, LrpComposite.Montavon2019(s.PixelRange?.Low, s.PixelRange?.High), method).Attribute(inputs, target),
            "ig" => new IntegratedGradients(subject.Explained).Attribute(inputs, target, new IntegratedGradientsOptions { Steps = s.Steps, Baseline = s.Baseline, PaddingToken = s.PaddingToken }),
            "gradient-x-input" => new GradientTimesInput(subject.Explained).Attribute(inputs, target),
            "saliency" => new Saliency(subject.Explained).Attribute(inputs, target),
            "smoothgrad" => new SmoothGrad(subject.Explained).Attribute(inputs, target, new SmoothGradOptions { Seed = s.Seed, Samples = s.SmoothGradSamples }),
            "guided-backprop" => new GuidedBackprop(module!).Attribute(inputs, target, new UnitOptions { Layer = s.UnitLayer }),
            "deconvnet" => new Deconvnet(module!).Attribute(inputs, target, new UnitOptions { Layer = s.UnitLayer }),
            "occlusion" => subject.Onnx is { } onnx ? OccludeWithRuntime(onnx, inputs, target) : new Occlusion(new DifferentiableScorer(subject.Explained)).Attribute(inputs, target),
            _ => throw new ArgumentException($"unknown attribution method '{method}'; expected one of {string.Join(", ", Names)}.", nameof(method)),
        };
    }

    private static AttributionResult OccludeWithRuntime(OnnxTorchModel onnx, Tensor inputs, long target)
    {
        using var scorer = new OnnxRuntimeScorer(onnx.Source);
        return new Occlusion(scorer).Attribute(inputs, target);
    }
}
