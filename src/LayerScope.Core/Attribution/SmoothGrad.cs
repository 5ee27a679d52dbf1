using LayerScope.Errors;
using static TorchSharp.torch;

namespace LayerScope.Attribution;

/// <summary>Settings of <see cref="SmoothGrad"/>.</summary>
public sealed record SmoothGradOptions
{
    /// <summary>Noisy copies averaged (the paper finds 50 enough).</summary>
    public int Samples { get; init; } = 50;

    /// <summary>Noise standard deviation as a share of each example's value range (the paper's 10–20 %).</summary>
    public double NoiseLevel { get; init; } = 0.15;

    /// <summary>Seeds the noise: equal seeds give equal maps.</summary>
    public long Seed { get; init; } = 1;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Samples < 1) problems.Add($"SmoothGradOptions.Samples is {Samples}; expected at least 1.");
        if (!(NoiseLevel >= 0) || double.IsInfinity(NoiseLevel)) problems.Add($"SmoothGradOptions.NoiseLevel is {NoiseLevel}; expected a share ≥ 0.");
        return problems;
    }
}

/// <summary>SmoothGrad (Smilkov et al. 2017, "SmoothGrad: removing noise by adding noise"): the class score's
/// gradient averaged over copies of the input with Gaussian noise, which removes the gradient's high-frequency
/// speckle. Noise is added to the embedding for token models.</summary>
public sealed class SmoothGrad(ExplainedModel explained)
{
    public const string Name = "smoothgrad";

    public AttributionResult Attribute(Tensor inputs, long target, SmoothGradOptions? options = null)
    {
        options ??= new SmoothGradOptions();
        var problems = options.Validate();
        if (problems.Count > 0) throw new InvalidSettingsException(problems);
        using var scope = NewDisposeScope();
        var source = ClassGradients.SourceValue(explained, inputs);
        var flat = source.flatten(1);
        var sigma = ((flat.amax([1]) - flat.amin([1])) * options.NoiseLevel).view([source.shape[0], .. Enumerable.Repeat(1L, (int)source.dim() - 1)]);
        using var generator = new TorchSharp.torch.Generator((ulong)options.Seed);
        var total = zeros_like(source, dtype: ScalarType.Float64);
        Tensor? scores = null;
        for (int i = 0; i < options.Samples; i++)
        {
            using var noisy = source + randn(source.shape, dtype: source.dtype, generator: generator) * sigma;
            var (gradient, _, s) = ClassGradients.Compute(explained, inputs, target, noisy);
            total.add_(gradient.to(ScalarType.Float64));
            scores ??= s;
        }
        var atInput = ClassGradients.Scores(explained, inputs);
        return new AttributionResult(Name, target, ClassGradients.ToArray("relevance", total / options.Samples), ClassGradients.ToArray("scores", atInput));
    }
}
