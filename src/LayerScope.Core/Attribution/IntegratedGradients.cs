using LayerScope.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Attribution;

/// <summary>What integrated gradients integrate from.</summary>
public enum IntegratedGradientsBaseline
{
    /// <summary>All zeros (a black image; a zero embedding for token models).</summary>
    Zeros,

    /// <summary>The input under a Gaussian blur (Sturmfels, Lundberg and Lee 2020, "Visualizing the impact of
    /// feature attribution baselines"): removes edges and texture but keeps colour; images [N, C, H, W] only.</summary>
    Blurred,

    /// <summary>Every token replaced by the padding token, taken through the embedding: "no words" for text models.</summary>
    PaddingToken,
}

/// <summary>Settings of <see cref="IntegratedGradients"/>.</summary>
public sealed record IntegratedGradientsOptions
{
    /// <summary>Points on the path from baseline to input (midpoint rule). 64 keeps completeness within 1 % on the
    /// tested models; the error falls about as 1/steps².</summary>
    public int Steps { get; init; } = 64;

    public IntegratedGradientsBaseline Baseline { get; init; } = IntegratedGradientsBaseline.Zeros;

    /// <summary>Standard deviation of the blur in pixels (<see cref="IntegratedGradientsBaseline.Blurred"/>).</summary>
    public double BlurSigma { get; init; } = 3;

    /// <summary>The token id of the padding token (<see cref="IntegratedGradientsBaseline.PaddingToken"/>).</summary>
    public long PaddingToken { get; init; }

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Steps < 1) problems.Add($"IntegratedGradientsOptions.Steps is {Steps}; expected at least 1.");
        if (!(BlurSigma > 0) || double.IsInfinity(BlurSigma)) problems.Add($"IntegratedGradientsOptions.BlurSigma is {BlurSigma}; expected a positive number of pixels.");
        return problems;
    }
}

/// <summary>
/// Integrated gradients (Sundararajan, Taly and Yan 2017, "Axiomatic attribution for deep networks"):
/// (x − x′) ⊙ ∫₀¹ ∂f_k(x′ + α(x − x′))/∂x dα, the integral by the midpoint rule. Completeness: the attributions sum
/// to f_k(x) − f_k(x′); <see cref="AttributionResult.ConvergenceDelta"/> is how far they miss.
/// </summary>
public sealed class IntegratedGradients(ExplainedModel explained)
{
    public const string Name = "ig";

    public AttributionResult Attribute(Tensor inputs, long target, IntegratedGradientsOptions? options = null)
    {
        options ??= new IntegratedGradientsOptions();
        var problems = options.Validate();
        if (problems.Count > 0) throw new InvalidSettingsException(problems);
        using var scope = NewDisposeScope();
        var source = ClassGradients.SourceValue(explained, inputs).to(ScalarType.Float64);
        var baseline = Baseline(inputs, source, options);
        var difference = source - baseline;
        var total = zeros_like(source);
        Tensor? scores = null;
        for (int step = 0; step < options.Steps; step++)
        {
            double alpha = (step + 0.5) / options.Steps;
            using var point = (baseline + alpha * difference).to(SourceType(inputs));
            var (gradient, _, stepScores) = ClassGradients.Compute(explained, inputs, target, point);
            total.add_(gradient.to(ScalarType.Float64));
            scores ??= stepScores;
        }
        var relevance = difference * total / options.Steps;
        var atInput = ClassGradients.Scores(explained, inputs);
        ClassGradients.CheckTarget(target, atInput, explained.Output);
        var atBaseline = ClassGradients.Scores(explained, inputs, baseline.to(SourceType(inputs)));
        var expected = atInput.select(1, target).to(ScalarType.Float64) - atBaseline.select(1, target).to(ScalarType.Float64);
        return new AttributionResult(Name, target, ClassGradients.ToArray("relevance", relevance), ClassGradients.ToArray("scores", atInput),
            ClassGradients.Delta(relevance, expected));
    }

    private ScalarType SourceType(Tensor inputs) => explained.Embedding is null ? inputs.dtype : ScalarType.Float32;

    private Tensor Baseline(Tensor inputs, Tensor source, IntegratedGradientsOptions options)
    {
        switch (options.Baseline)
        {
            case IntegratedGradientsBaseline.Zeros:
                return zeros_like(source);
            case IntegratedGradientsBaseline.Blurred:
                if (source.dim() != 4)
                    throw new InvalidSettingsException([$"IntegratedGradientsOptions.Baseline is Blurred, which needs images [N, C, H, W]; the input is [{string.Join(", ", source.shape)}]."]);
                return GaussianBlur.Apply(source, options.BlurSigma);
            case IntegratedGradientsBaseline.PaddingToken:
                if (explained.Embedding is null)
                    throw new InvalidSettingsException(["IntegratedGradientsOptions.Baseline is PaddingToken, which needs a token model: set ExplainedModel.Embedding."]);
                using (var padded = full_like(inputs, options.PaddingToken))
                    return ClassGradients.SourceValue(explained, padded).to(ScalarType.Float64);
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Baseline, null);
        }
    }
}
