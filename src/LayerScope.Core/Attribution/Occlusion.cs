using LayerScope.Errors;
using static TorchSharp.torch;

namespace LayerScope.Attribution;

/// <summary>Settings of <see cref="Occlusion"/>.</summary>
public sealed record OcclusionOptions
{
    /// <summary>Side of the occluding patch along each occluded axis (H and W for images; T for sequences).</summary>
    public int Window { get; init; } = 4;

    /// <summary>Step between patch positions; at most <see cref="Window"/> so every element is covered.</summary>
    public int Stride { get; init; } = 2;

    /// <summary>The value written into the patch (0: black pixels; the padding token for token ids).</summary>
    public double Fill { get; init; }

    /// <summary>Occluded copies scored per model call.</summary>
    public int BatchSize { get; init; } = 256;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Window < 1) problems.Add($"OcclusionOptions.Window is {Window}; expected at least 1.");
        if (Stride < 1 || Stride > Window) problems.Add($"OcclusionOptions.Stride is {Stride}; expected 1 to Window ({Window}).");
        if (BatchSize < 1) problems.Add($"OcclusionOptions.BatchSize is {BatchSize}; expected at least 1.");
        return problems;
    }
}

/// <summary>
/// Occlusion (Zeiler and Fergus 2014, "Visualizing and understanding convolutional networks", section 4.2): slide a
/// patch over the input and record how much class k's score drops with each position covered; an element's relevance
/// is the mean drop over the patches that cover it. Needs only scores (<see cref="IClassScorer"/>), so it runs on
/// ONNX Runtime for any model. Images [N, C, H, W] are occluded over H × W for all channels at once; [N, T, F]
/// sequences over T; vectors and token ids [N, D] over D.
/// </summary>
public sealed class Occlusion(IClassScorer scorer)
{
    public const string Name = "occlusion";

    public AttributionResult Attribute(Tensor inputs, long target, OcclusionOptions? options = null)
    {
        options ??= new OcclusionOptions();
        var problems = options.Validate();
        if (problems.Count > 0) throw new InvalidSettingsException(problems);
        using var scope = NewDisposeScope();
        var scores = scorer.Scores(inputs);
        ClassGradients.CheckTarget(target, scores, "the model's scores");
        var patches = Patches(inputs.shape, options);
        var relevance = zeros(inputs.shape, dtype: ScalarType.Float64);
        var coverage = zeros(inputs.shape, dtype: ScalarType.Float64);
        for (long n = 0; n < inputs.shape[0]; n++)
        {
            var example = inputs[n];
            double full = scores[n, target].to(ScalarType.Float64).item<double>();
            for (int start = 0; start < patches.Count; start += options.BatchSize)
            {
                var chunk = patches.Skip(start).Take(options.BatchSize).ToList();
                using var batch = example.unsqueeze(0).repeat([chunk.Count, .. Enumerable.Repeat(1L, (int)example.dim())]).clone();
                for (int i = 0; i < chunk.Count; i++) batch[i][chunk[i]].fill_(options.Fill);
                using var occluded = scorer.Scores(batch);
                var drops = (full - occluded.select(1, target).to(ScalarType.Float64)).cpu().data<double>().ToArray();
                for (int i = 0; i < chunk.Count; i++)
                {
                    relevance[n][chunk[i]].add_(drops[i]);
                    coverage[n][chunk[i]].add_(1.0);
                }
            }
        }
        var mean = relevance / coverage.clamp_min(1);
        return new AttributionResult(Name, target, ClassGradients.ToArray("relevance", mean), ClassGradients.ToArray("scores", scores));
    }

    /// <summary>The index of every patch within one example.</summary>
    private static List<TensorIndex[]> Patches(long[] shape, OcclusionOptions options)
    {
        var result = new List<TensorIndex[]>();
        IEnumerable<long> Starts(long size) => Enumerable.Range(0, (int)Math.Max(1, (size - 1) / options.Stride + 1)).Select(i => (long)i * options.Stride).Where(s => s < size);
        switch (shape.Length)
        {
            case 4:
                foreach (var y in Starts(shape[2]))
                    foreach (var x in Starts(shape[3]))
                        result.Add([TensorIndex.Colon, TensorIndex.Slice(y, y + options.Window), TensorIndex.Slice(x, x + options.Window)]);
                break;
            case 3:
            case 2:
                foreach (var t in Starts(shape[1]))
                    result.Add([TensorIndex.Slice(t, t + options.Window)]);
                break;
            default:
                throw new InvalidSettingsException([$"occlusion reads inputs [N, D], [N, T, F] or [N, C, H, W]; this one is [{string.Join(", ", shape)}]."]);
        }
        return result;
    }
}
