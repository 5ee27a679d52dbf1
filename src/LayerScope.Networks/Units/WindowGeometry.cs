namespace LayerScope.Units;

/// <summary>
/// How a sliding-window layer (convolution, pooling) maps input positions to output positions along one spatial
/// axis: output i reads inputs <c>i·Stride − Padding + j·Dilation</c> for j = 0 … Kernel − 1. Element-wise layers
/// (activations) are <see cref="Identity"/>. Square windows use the same geometry on both axes.
/// </summary>
public sealed record WindowGeometry(int Kernel, int Stride = 1, int Padding = 0, int Dilation = 1)
{
    /// <summary>A layer that maps each position to itself (ReLU, batch norm).</summary>
    public static WindowGeometry Identity { get; } = new(1);

    /// <summary>The span of input positions one output reads: <c>Dilation·(Kernel − 1) + 1</c>.</summary>
    public int Span => Dilation * (Kernel - 1) + 1;

    /// <summary>Every problem with the values (kernel, stride and dilation at least 1, padding at least 0).</summary>
    public IReadOnlyList<string> Validate(string name)
    {
        var problems = new List<string>();
        if (Kernel < 1) problems.Add($"{name}.{nameof(Kernel)} is {Kernel}; it must be at least 1.");
        if (Stride < 1) problems.Add($"{name}.{nameof(Stride)} is {Stride}; it must be at least 1.");
        if (Padding < 0) problems.Add($"{name}.{nameof(Padding)} is {Padding}; it must be 0 or more.");
        if (Dilation < 1) problems.Add($"{name}.{nameof(Dilation)} is {Dilation}; it must be at least 1.");
        return problems;
    }
}

/// <summary>
/// The input region a unit of a stacked layer sees, along one axis: unit i covers input positions
/// <c>[Start + i·Jump, Start + i·Jump + Size − 1]</c> (positions below 0 or past the input are padding). Composed
/// layer by layer (Araujo, Norris, Sim 2019, "Computing Receptive Fields of Convolutional Neural Networks"):
/// Jump multiplies by the stride, Size grows by (span − 1)·Jump, Start moves back by padding·Jump.
/// </summary>
public sealed record ReceptiveField(int Size, int Jump, int Start)
{
    /// <summary>The receptive field of an input position: itself.</summary>
    public static ReceptiveField Input { get; } = new(1, 1, 0);

    /// <summary>The field after the layers of <paramref name="stack"/>, input side first.</summary>
    /// <exception cref="Errors.InvalidSettingsException">A layer has an invalid value; every problem is listed.</exception>
    public static ReceptiveField Of(IReadOnlyList<WindowGeometry> stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        Errors.InvalidSettingsException.ThrowIfAny(stack.SelectMany((w, i) => w.Validate($"layer {i}")).ToList());
        return stack.Aggregate(Input, (field, w) => field.Then(w));
    }

    /// <summary>This field followed by one more layer.</summary>
    public ReceptiveField Then(WindowGeometry window) =>
        new(Size + (window.Span - 1) * Jump, Jump * window.Stride, Start - window.Padding * Jump);

    /// <summary>The first input position unit <paramref name="index"/> covers (may be negative: padding).</summary>
    public int FirstFor(int index) => Start + index * Jump;
}
