using LayerScope.Attribution;
using LayerScope.Errors;
using LayerScope.Gradients;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Units;

/// <summary>The scalar an <see cref="ActivationMaximization"/> raises: a channel's mean over positions of a
/// [1, C, H, W] / [1, C, L] layer, or unit <see cref="Channel"/> of a [1, K] layer (a class logit).</summary>
public sealed record ChannelMean(long Channel) : GradientSelector
{
    public override Tensor Reduce(Tensor target)
    {
        if (target.dim() < 2 || Channel < 0 || Channel >= target.shape[1])
            throw new LayerScopeException($"channel {Channel} is outside a layer of shape [{string.Join(", ", target.shape)}] (channels on axis 1).");
        return target.select(1, Channel).mean();
    }
}

/// <summary>The scalar an <see cref="ActivationMaximization"/> raises under <see cref="SynthesisObjective.Unit"/>:
/// one neuron of a channel, at <see cref="Position"/> of a [1, C, H, W] map (row 0 of a [1, C, L] map); on a [1, K]
/// layer, which has no positions, entry <see cref="Channel"/>.</summary>
public sealed record ChannelUnit(long Channel, UnitPosition Position) : GradientSelector
{
    public override Tensor Reduce(Tensor target)
    {
        if (target.dim() < 2 || Channel < 0 || Channel >= target.shape[1])
            throw new LayerScopeException($"channel {Channel} is outside a layer of shape [{string.Join(", ", target.shape)}] (channels on axis 1).");
        var map = target.select(1, Channel);
        if (map.dim() == 1) return map.sum();
        long rows = map.dim() == 3 ? map.shape[1] : 1, columns = map.shape[^1];
        if (map.dim() > 3 || Position.Row < 0 || Position.Row >= rows || Position.Column < 0 || Position.Column >= columns)
            throw new LayerScopeException($"{nameof(ActivationMaximizationOptions)}.{nameof(ActivationMaximizationOptions.Position)} ({Position.Row}, {Position.Column}) "
                + $"is outside the {rows}×{columns} maps of a layer of shape [{string.Join(", ", target.shape)}].");
        return (map.dim() == 3 ? map.select(1, Position.Row).select(1, Position.Column) : map.select(1, Position.Column)).sum();
    }
}

/// <summary>What a synthesis raises in a channel of a convolutional layer.</summary>
public enum SynthesisObjective
{
    /// <summary>One neuron of the channel: by default the one at the centre of the map (the Deep Visualization
    /// Toolbox's and Lucid's "neuron" objective, Yosinski et al. 2015, Olah et al. 2017). The image then shows what
    /// one receptive field wants, drawn at the centre, and is compared with that neuron's own mean over the data.</summary>
    Unit,

    /// <summary>The channel's mean over all positions (Lucid's "channel" objective): the pattern tiled over the
    /// whole input. On small inputs in a bounded range this mean is capped well below a single neuron's peak, since
    /// every position must fire at once.</summary>
    ChannelMean,
}

/// <summary>A position in a channel's map (row 0 for 1-D maps).</summary>
public readonly record struct UnitPosition(int Row, int Column)
{
    /// <summary>The centre of a rows × columns map, (rows / 2, columns / 2) rounded down.</summary>
    public static UnitPosition CentreOf(long rows, long columns) => new((int)(rows / 2), (int)(columns / 2));

    public override string ToString() => $"({Row}, {Column})";
}

/// <summary>Settings of <see cref="ActivationMaximization.Run"/>. The regularizers are those of Yosinski, Clune, Nguyen,
/// Fuchs, Lipson 2015 ("Understanding Neural Networks Through Deep Visualization", section 3: L2 decay, Gaussian blur
/// every few steps, clipping of the pixels of small norm and of small contribution) with the transformation robustness
/// (random shift, scale, rotation) and the decorrelated parameterization (Fourier coefficients scaled by 1/frequency,
/// channels decorrelated by the data's colour covariance) of Olah, Mordvintsev, Schubert 2017 ("Feature
/// Visualization", Distill).</summary>
/// <remarks>The defaults are the lightest of the settings compared on the Fashion-MNIST CNN (bench `units`, relu2):
/// with Olah's 1/f decay and 10 % / 5 % clipping every 4 steps the channels reached about 2× their test mean, with
/// 2 % clipping, 1/f^0.5, a final unregularized quarter and one-pixel shifts about 3.8×, and with no regularizer at
/// all about 5× — so the regularizers cost objective, and the 10× target is mostly out of reach of a
/// mean-over-positions objective on inputs in [0, 1], whatever the regularization. Hence the default objective is one
/// unit (<see cref="SynthesisObjective.Unit"/>), as the Deep Visualization Toolbox and Lucid's "neuron" show it: only
/// its receptive field has to fire, and it is compared with that unit's own mean over the data (bench/RESULTS.md,
/// session 5, has both objectives' figures).</remarks>
public sealed record ActivationMaximizationOptions
{
    /// <summary>One example's input shape, channels first: [C, H, W] or [C, L].</summary>
    public required long[] InputShape { get; init; }

    /// <summary>The model input the image goes to; null for the model's only input.</summary>
    public string? InputName { get; init; }

    /// <summary>What is raised in the channel: one neuron (the default, as the Deep Visualization Toolbox shows) or
    /// the channel's mean over positions. On a [1, K] layer (logits) both are entry K.</summary>
    public SynthesisObjective Objective { get; init; } = SynthesisObjective.Unit;

    /// <summary>The neuron <see cref="SynthesisObjective.Unit"/> raises; null for the centre of the layer's map.</summary>
    public UnitPosition? Position { get; init; }

    /// <summary>Gradient-ascent steps.</summary>
    public int Steps { get; init; } = 128;

    /// <summary>Adam's step size on the parameters (pixels, or the orthonormal Fourier coefficients before their 1/f
    /// scaling, so a DC step moves every pixel by about this much).</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Yosinski's r_θ decay: after every step the image's deviation from <see cref="Background"/> is multiplied
    /// by 1 − L2Decay (decoupled from the optimizer, as in the paper, so Adam's scaling does not undo it).</summary>
    public double L2Decay { get; init; } = 1e-3;

    /// <summary>Blur (and clip) every this many steps; 0 turns both off.</summary>
    public int RegularizeEvery { get; init; } = 4;

    /// <summary>Standard deviation of the Gaussian blur, in pixels; 0 for none.</summary>
    public double BlurSigma { get; init; } = 0.5;

    /// <summary>Share of pixels, by smallest norm (distance from the background over channels), reset to the background.</summary>
    public double NormClipFraction { get; init; } = 0.02;

    /// <summary>Share of pixels, by smallest contribution |Σ_c (x − background)·∂objective/∂x|, reset to the background.</summary>
    public double ContributionClipFraction { get; init; } = 0.02;

    /// <summary>The share of steps, at the end, run without blur and clipping (decay and transformations stay): the
    /// regularized image is refined towards what the unit wants without being pulled back to the background.</summary>
    public double FinalUnregularizedFraction { get; init; } = 0.25;

    /// <summary>The random shift, scale and rotation at each step (the model must respond to all of them). By default
    /// shifts of one pixel only: on 28×28 inputs ±5 % scaling and ±5° rotation lowered the objective by about 10 %.</summary>
    public TransformationRobustness Transformations { get; init; } = new() { Jitter = 1, Scale = 0, RotationDegrees = 0 };

    /// <summary>Optimize the image's Fourier coefficients scaled by 1/frequency^<see cref="FrequencyDecay"/> (and the
    /// colour-decorrelated channels, when <see cref="Color"/> is set), not its pixels.</summary>
    public bool Decorrelated { get; init; } = true;

    /// <summary>The power of 1/frequency in the decorrelated parameterization (1 in Olah et al.).</summary>
    public double FrequencyDecay { get; init; } = 0.5;

    /// <summary>The colour decorrelation (<see cref="ColorDecorrelation.FromImages"/>); null for none (one channel
    /// needs none).</summary>
    public ColorDecorrelation? Color { get; init; }

    /// <summary>The start: the middle of the range plus Gaussian noise of this standard deviation (relative to the
    /// range). Not the background: a ReLU network whose units are all off at a blank input has no gradient there.</summary>
    public double StartNoise { get; init; } = 0.1;

    /// <summary>Starts drawn, each with twice the noise of the one before (up to half the range), until the objective
    /// has a gradient at the start: a unit that is off (ReLU) at the first start would never move.</summary>
    public int StartAttempts { get; init; } = 6;

    /// <summary>The layer whose output the objective's layer rectifies, e.g. the convolution before a ReLU; null for
    /// none. While the objective is 0 (the unit, or every unit of the channel, off: the ReLU passes no gradient, and a
    /// plain ascent never moves) the same channel and position of this layer is raised instead, until the objective
    /// turns positive; from then on the objective itself. It must have the objective layer's shape.</summary>
    public string? PreActivationLayer { get; init; }

    /// <summary>The neutral value that decay and clipping pull towards (a blank input).</summary>
    public double Background { get; init; }

    /// <summary>The input's valid range; the image is kept inside it after every step.</summary>
    public double Minimum { get; init; }

    /// <summary>Upper end of the valid range.</summary>
    public double Maximum { get; init; } = 1;

    /// <summary>libtorch's threads during the ascent (its previous setting is restored after); 0 leaves the setting as
    /// it is. Every pass is on one small image, where more threads add OpenMP's spin-waiting and little else: the
    /// Fashion-MNIST CNN's relu1 unit took 0.72 CPU s per image with 1 thread and 13.5 with 2 on a shared 2-core
    /// machine, for the same image (bench/RESULTS.md, session 6).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Seeds the starting noise and the transformations: equal seeds give equal images.</summary>
    public int Seed { get; init; } = 1;

    public IReadOnlyList<string> Validate()
    {
        const string name = nameof(ActivationMaximizationOptions);
        var problems = new List<string>();
        if (InputShape is not { Length: 2 or 3 } || InputShape.Any(d => d < 1))
            problems.Add($"{name}.{nameof(InputShape)} must be [C, H, W] or [C, L] with positive sizes.");
        if (!Enum.IsDefined(Objective)) problems.Add($"{name}.{nameof(Objective)} is {(int)Objective}; it must be {nameof(SynthesisObjective.Unit)} or {nameof(SynthesisObjective.ChannelMean)}.");
        if (Position is { } p && (p.Row < 0 || p.Column < 0)) problems.Add($"{name}.{nameof(Position)} is {p}; row and column must be 0 or more.");
        if (Position is not null && Objective != SynthesisObjective.Unit)
            problems.Add($"{name}.{nameof(Position)} is set but {nameof(Objective)} is {Objective}; a position belongs to the {nameof(SynthesisObjective.Unit)} objective.");
        if (Steps < 1) problems.Add($"{name}.{nameof(Steps)} is {Steps}; it must be at least 1.");
        if (!(LearningRate > 0)) problems.Add($"{name}.{nameof(LearningRate)} is {LearningRate}; it must be positive.");
        if (!(L2Decay is >= 0 and < 1)) problems.Add($"{name}.{nameof(L2Decay)} is {L2Decay}; it must be in [0, 1).");
        if (RegularizeEvery < 0) problems.Add($"{name}.{nameof(RegularizeEvery)} is {RegularizeEvery}; it must be 0 (off) or more.");
        if (!(BlurSigma >= 0)) problems.Add($"{name}.{nameof(BlurSigma)} is {BlurSigma}; it must be 0 or more.");
        if (!(NormClipFraction is >= 0 and < 1)) problems.Add($"{name}.{nameof(NormClipFraction)} is {NormClipFraction}; it must be in [0, 1).");
        if (!(ContributionClipFraction is >= 0 and < 1)) problems.Add($"{name}.{nameof(ContributionClipFraction)} is {ContributionClipFraction}; it must be in [0, 1).");
        if (!(FinalUnregularizedFraction is >= 0 and <= 1)) problems.Add($"{name}.{nameof(FinalUnregularizedFraction)} is {FinalUnregularizedFraction}; it must be in [0, 1].");
        if (Transformations is null) problems.Add($"{name}.{nameof(Transformations)} is null; use {nameof(TransformationRobustness)}.{nameof(TransformationRobustness.None)}.");
        else problems.AddRange(Transformations.Validate($"{name}.{nameof(Transformations)}"));
        if (!(FrequencyDecay >= 0)) problems.Add($"{name}.{nameof(FrequencyDecay)} is {FrequencyDecay}; it must be 0 or more.");
        if (Color is not null && InputShape is { Length: 2 or 3 } && Color.Channels != InputShape[0])
            problems.Add($"{name}.{nameof(Color)} is for {Color.Channels} channels; {nameof(InputShape)} has {InputShape[0]}.");
        if (PreActivationLayer is not null && string.IsNullOrWhiteSpace(PreActivationLayer))
            problems.Add($"{name}.{nameof(PreActivationLayer)} is blank; name a layer or leave it null.");
        if (!(StartNoise >= 0)) problems.Add($"{name}.{nameof(StartNoise)} is {StartNoise}; it must be 0 or more.");
        if (Threads < 0) problems.Add($"{name}.{nameof(Threads)} is {Threads}; it must be 0 (leave libtorch's setting) or more.");
        if (StartAttempts < 1) problems.Add($"{name}.{nameof(StartAttempts)} is {StartAttempts}; it must be at least 1.");
        if (!(Minimum < Maximum)) problems.Add($"{name}.{nameof(Minimum)} ({Minimum}) must be below {nameof(Maximum)} ({Maximum}).");
        else if (!(Background >= Minimum && Background <= Maximum)) problems.Add($"{name}.{nameof(Background)} ({Background}) must lie in [{Minimum}, {Maximum}].");
        return problems;
    }
}

/// <summary>A synthesized input and what it does to the objective.</summary>
/// <param name="Layer">The layer whose channel was raised.</param>
/// <param name="Channel">The channel (or logit) raised.</param>
/// <param name="Pixels">The image, [C, H, W] (or [C, L]) row-major, within the options' range.</param>
/// <param name="Shape">The input shape of one example, as given.</param>
/// <param name="ObjectiveBefore">The objective on the starting image (mid-range plus noise; see
/// <see cref="ActivationMaximizationOptions.StartAttempts"/>).</param>
/// <param name="ObjectiveAfter">The objective on <see cref="Pixels"/>, unshifted.</param>
public sealed record MaximizedInput(string Layer, long Channel, float[] Pixels, long[] Shape, double ObjectiveBefore, double ObjectiveAfter)
{
    /// <summary>What was raised (<see cref="ActivationMaximizationOptions.Objective"/>).</summary>
    public SynthesisObjective Objective { get; init; } = SynthesisObjective.ChannelMean;

    /// <summary>The neuron raised under <see cref="SynthesisObjective.Unit"/> on a layer with maps (the centre when no
    /// position was asked for); null for the channel mean and for a [1, K] layer's entry.</summary>
    public UnitPosition? Position { get; init; }

    /// <summary>The objective in words, for a label beside the image: "unit (7, 7)", "channel mean" or, on a layer
    /// without maps, "unit".</summary>
    public string ObjectiveName => Position is { } p ? $"unit {p}" : Objective == SynthesisObjective.ChannelMean ? "channel mean" : "unit";

    /// <summary>The input as one grey plane to draw: an image [C, H, W] as the mean of its channels (itself when C is
    /// 1), a 1-D input [C, L] as C rows of L.</summary>
    public (float[] Grey, int Height, int Width) GreyPlane()
    {
        int h = Shape.Length == 3 ? (int)Shape[1] : (int)Shape[0], w = (int)Shape[^1];
        int channels = Shape.Length == 3 ? (int)Shape[0] : 1;
        if (channels == 1) return (Pixels[..(h * w)], h, w);
        var grey = new float[h * w];
        for (int p = 0; p < grey.Length; p++)
        {
            double sum = 0;
            for (int c = 0; c < channels; c++) sum += Pixels[c * h * w + p];
            grey[p] = (float)(sum / channels);
        }
        return (grey, h, w);
    }
}

/// <summary>
/// A stage: gradient ascent on the input to raise one channel's (or logit's) activation, written against
/// <see cref="IDifferentiableModel"/> alone — it asks the model for ∂objective/∂input and chains that into its own
/// parameterization — so it runs on zoo models (<see cref="Attribution.ModuleDifferentiableModel"/>) and ONNX models
/// (<see cref="Onnx.Torch.OnnxTorchModel"/>) alike.
/// </summary>
public static class ActivationMaximization
{
    public static MaximizedInput Run(IDifferentiableModel model, string layer, long channel, ActivationMaximizationOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(options);
        InvalidSettingsException.ThrowIfAny(options.Validate());
        var inputName = options.InputName ?? (model.InputNames.Count == 1 ? model.InputNames[0]
            : throw new InvalidSettingsException([$"{nameof(ActivationMaximizationOptions)}.{nameof(ActivationMaximizationOptions.InputName)} is not set and the model has {model.InputNames.Count} inputs."]));
        int threadsBefore = torch.get_num_threads();
        if (options.Threads > 0 && options.Threads != threadsBefore) torch.set_num_threads(options.Threads);
        try
        {
            return Ascend(model, inputName, layer, channel, options, cancellationToken);
        }
        finally
        {
            if (torch.get_num_threads() != threadsBefore) torch.set_num_threads(threadsBefore);
        }
    }

    private static MaximizedInput Ascend(IDifferentiableModel model, string inputName, string layer, long channel, ActivationMaximizationOptions options,
        CancellationToken cancellationToken)
    {
        var (selector, position) = Selector(model, inputName, layer, channel, options);
        // [C, H, W] throughout; 1-D inputs [C, L] are handled as H = 1.
        long[] shape = options.InputShape.Length == 3 ? options.InputShape : [options.InputShape[0], 1, options.InputShape[1]];
        long c = shape[0], h = shape[1], w = shape[2];
        var random = new Random(options.Seed);

        using var scope = torch.NewDisposeScope();
        using var parameterization = new ImageParameterization(shape, options.Background, options.Decorrelated, options.FrequencyDecay, options.Color);
        var startImage = Start(model, inputName, layer, selector, shape, options, random);
        var parameter = new TorchSharp.Modules.Parameter(parameterization.Encode(startImage));
        double before = Objective(model, inputName, layer, selector, startImage, options.InputShape);
        using var optimizer = optim.Adam([parameter], options.LearningRate);
        // The start itself counts: the result is never worse than where the ascent began.
        var best = startImage.clone();
        double bestValue = before;
        int regularizedSteps = options.Steps - (int)Math.Round(options.FinalUnregularizedFraction * options.Steps);
        // A unit that is off at the start has no gradient through its ReLU, whatever the noise (a unit whose bias needs
        // most of its field bright is off on every random start). Its pre-activation, the rectified layer's input, has
        // one everywhere, so that is raised until the unit turns on. Olah, Mordvintsev, Schubert 2017 ("Feature
        // Visualization") optimize pre-ReLU tensors for this reason, and Lucid's redirected ReLU gradient lets the
        // gradient through an off ReLU during the first steps; raising the pre-activation only while the unit is off
        // is the same idea without changing the model's backward pass.
        string ascended = options.PreActivationLayer is { } pre && before <= 0 ? pre : layer;

        for (int step = 1; step <= options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var stepScope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var image = parameterization.Decode(parameter);
            var transformed = options.Transformations.Apply(image, options.Background, random);
            Tensor gradient;
            using (var forward = model.Forward(new Dictionary<string, Tensor> { [inputName] = transformed.detach().reshape([1, .. options.InputShape]) }, ForwardRequest.Of(ascended)))
                gradient = forward.Gradient(ascended, selector).detach().reshape(shape).clone();
            // Projected ascent: a pixel already at a bound of the range, whose gradient points out of it, must not pull
            // the step. In the Fourier parameterization its push would otherwise spread to its neighbours (a 1/f blob)
            // and, once the clamp takes it back, leave only that spread: a saturated centre of a dot detector lifted
            // its dark surround until the whole patch was white (measured on a hand-made 3×3 filter).
            using (torch.no_grad())
            {
                var outward = (transformed >= options.Maximum - BoundTolerance).logical_and(gradient > 0)
                    .logical_or((transformed <= options.Minimum + BoundTolerance).logical_and(gradient < 0));
                gradient = torch.where(outward, torch.zeros_like(gradient), gradient);
            }
            // The model gives ∂objective/∂(transformed image); this surrogate's gradient with respect to the parameters
            // is exactly minus that, chained back through the transformation and the parameterization.
            var surrogate = -(transformed * gradient).sum();
            surrogate.backward();
            optimizer.step();

            using (torch.no_grad())
            {
                var projected = (parameterization.Decode(parameter) - options.Background) * (1 - options.L2Decay) + options.Background;
                projected = projected.clamp(options.Minimum, options.Maximum);
                if (options.RegularizeEvery > 0 && step % options.RegularizeEvery == 0 && step <= regularizedSteps)
                {
                    projected = Blur(projected, options.BlurSigma);
                    // The contribution uses the gradient at the untransformed image (one more backward pass, only on
                    // regularization steps), since the step's own gradient belongs to moved pixels.
                    projected = ClipPixels(projected, InputGradient(model, inputName, ascended, selector, projected, options.InputShape), options);
                }
                parameter.copy_(parameterization.Encode(projected));
                // The best image after any step is the result: blur, clipping or a shift can turn a single ReLU unit
                // off, and from there it has no gradient to come back (measured on a small random CNN: 0.03 → 0).
                var current = parameterization.Decode(parameter).clamp(options.Minimum, options.Maximum);
                double value = Objective(model, inputName, layer, selector, current, options.InputShape);
                // Back to the pre-activation whenever the unit is off again (a blur or clip can turn it off).
                if (options.PreActivationLayer is { } preActivation) ascended = value > 0 ? layer : preActivation;
                if (value > bestValue)
                {
                    bestValue = value;
                    best.Dispose();
                    best = current.contiguous().clone().MoveToOuterDisposeScope();
                }
            }
        }

        var result = best;
        double after = bestValue;
        return new MaximizedInput(layer, channel, result.data<float>().ToArray(), options.InputShape, before, after)
        {
            Objective = options.Objective, Position = position,
        };
    }

    /// <summary>The objective's selector, with the neuron's position resolved against the layer's shape (one forward
    /// pass on a blank input: the centre depends on the map size).</summary>
    private static (GradientSelector Selector, UnitPosition? Position) Selector(IDifferentiableModel model, string inputName, string layer, long channel,
        ActivationMaximizationOptions options)
    {
        if (options.Objective == SynthesisObjective.ChannelMean) return (new ChannelMean(channel), null);
        using var scope = torch.NewDisposeScope();
        using var forward = model.Forward(new Dictionary<string, Tensor> { [inputName] = torch.full([1, .. options.InputShape], options.Background) },
            new ForwardRequest([layer], Gradients: false));
        var shape = forward[layer].shape;
        if (shape.Length <= 2) return (new ChannelUnit(channel, default), null);
        long rows = shape.Length == 4 ? shape[2] : 1, columns = shape[^1];
        var position = options.Position ?? UnitPosition.CentreOf(rows, columns);
        var selector = new ChannelUnit(channel, position);
        selector.Reduce(forward[layer]); // refuses a position outside the map before any step is taken
        return (selector, position);
    }

    /// <summary>The starting image: mid-range plus noise, drawn again with twice the noise (up to half the range) while
    /// the objective has no gradient there, at most <see cref="ActivationMaximizationOptions.StartAttempts"/> times.
    /// A single ReLU unit is often off at mid-grey, and an ascent from a point with zero gradient never moves.</summary>
    private static Tensor Start(IDifferentiableModel model, string inputName, string layer, GradientSelector selector, long[] shape,
        ActivationMaximizationOptions options, Random random)
    {
        double middle = (options.Minimum + options.Maximum) / 2, range = options.Maximum - options.Minimum;
        var values = new float[shape[0] * shape[1] * shape[2]];
        Tensor image = null!;
        for (int attempt = 0; attempt < options.StartAttempts; attempt++)
        {
            double noise = Math.Min(options.StartNoise * Math.Pow(2, attempt), 0.5) * range;
            for (int i = 0; i < values.Length; i++) values[i] = (float)(middle + noise * Normal(random));
            image = torch.tensor(values, shape).clamp(options.Minimum, options.Maximum);
            if (attempt + 1 == options.StartAttempts || noise == 0) break;
            using var gradient = InputGradient(model, inputName, layer, selector, image, options.InputShape);
            if (gradient.abs().max().item<float>() > 0) break;
        }
        return image;
    }

    /// <summary>How close to a bound of the range a pixel counts as at it (the parameterization's round trip is not exact).</summary>
    private const double BoundTolerance = 1e-5;

    private static Tensor InputGradient(IDifferentiableModel model, string inputName, string layer, GradientSelector selector, Tensor image, long[] inputShape)
    {
        using var enabled = torch.enable_grad();
        using var forward = model.Forward(new Dictionary<string, Tensor> { [inputName] = image.detach().reshape([1, .. inputShape]) }, ForwardRequest.Of(layer));
        return forward.Gradient(layer, selector).detach().reshape(image.shape).clone();
    }

    /// <summary>The objective's value on one image, without gradients.</summary>
    public static double Objective(IDifferentiableModel model, string inputName, string layer, GradientSelector selector, Tensor image, long[] inputShape)
    {
        using var scope = torch.NewDisposeScope();
        using var forward = model.Forward(new Dictionary<string, Tensor> { [inputName] = image.detach().reshape([1, .. inputShape]) }, new ForwardRequest([layer], Gradients: false));
        return selector.Reduce(forward[layer]).to(ScalarType.Float64).item<double>();
    }

    /// <summary>One image [C, H, W] blurred with the kernel cut at 2σ (a light blur between ascent steps).</summary>
    private static Tensor Blur(Tensor image, double sigma) =>
        sigma <= 0 ? image : GaussianBlur.Apply(image.unsqueeze(0), sigma, truncate: 2).squeeze(0);

    /// <summary>Resets to the background the pixels of smallest norm and of smallest contribution (Yosinski et al.).</summary>
    private static Tensor ClipPixels(Tensor image, Tensor gradient, ActivationMaximizationOptions options)
    {
        var deviation = image - options.Background;
        var keep = torch.ones(image.shape[1], image.shape[2], dtype: ScalarType.Bool);
        if (options.NormClipFraction > 0) keep = keep.logical_and(AboveQuantile(deviation.square().sum([0L], keepdim: false).sqrt(), options.NormClipFraction));
        if (options.ContributionClipFraction > 0) keep = keep.logical_and(AboveQuantile((deviation * gradient).sum([0L], keepdim: false).abs(), options.ContributionClipFraction));
        return torch.where(keep.unsqueeze(0), image, torch.full_like(image, options.Background));
    }

    private static Tensor AboveQuantile(Tensor values, double fraction)
    {
        // Exactly the lowest share goes, by rank, not by threshold: where most gradients are zero (units off), a
        // threshold at the k-th value would wipe every tied pixel, i.e. nearly the whole image.
        long k = (long)Math.Floor(fraction * values.numel());
        var data = values.contiguous().data<float>().ToArray();
        var order = Enumerable.Range(0, data.Length).OrderBy(i => data[i]).ThenBy(i => i).Take((int)k);
        var keep = Enumerable.Repeat(true, data.Length).ToArray();
        foreach (var i in order) keep[i] = false;
        return torch.tensor(keep).reshape(values.shape);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
