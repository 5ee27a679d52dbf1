namespace LayerScope.Attribution.Lrp;

/// <summary>The LRP rules (Montavon et al. 2019, "Layer-wise relevance propagation: an overview", section 10.2).</summary>
public enum LrpRuleKind
{
    /// <summary>LRP-0 (Bach et al. 2015): R_j = Σ_k a_j w_jk / z_k · R_k. Equals Gradient × Input on ReLU nets.</summary>
    Zero,

    /// <summary>LRP-ε: a stabilizer ε·sign(z_k) in the denominator absorbs weak or contradictory relevance.</summary>
    Epsilon,

    /// <summary>LRP-γ: w + γ·w⁺ favours positive contributions (lower layers).</summary>
    Gamma,

    /// <summary>LRP-αβ (Bach et al. 2015): positive and negative contributions apart, α − β = 1.</summary>
    AlphaBeta,

    /// <summary>z^B (Montavon et al. 2017, "Explaining nonlinear classification decisions with deep Taylor
    /// decomposition"): for inputs in a box [low, high], such as pixels.</summary>
    ZBox,

    /// <summary>Flat (Lapuschkin et al. 2019, "Unmasking Clever Hans predictors"): spread relevance uniformly over
    /// the receptive field.</summary>
    Flat,

    /// <summary>w² (Montavon et al. 2017): relevance in proportion to the squared weights, ignoring the input.</summary>
    WSquare,
}

/// <summary>One rule with its parameters.</summary>
public sealed record LrpRule(LrpRuleKind Kind, double Epsilon = 0, double Gamma = 0, double Alpha = 1, double Beta = 0, double Low = 0, double High = 1)
{
    public static LrpRule Zero { get; } = new(LrpRuleKind.Zero);
    public static LrpRule Flat { get; } = new(LrpRuleKind.Flat);
    public static LrpRule WSquare { get; } = new(LrpRuleKind.WSquare);
    public static LrpRule EpsilonRule(double epsilon = 0.25) => new(LrpRuleKind.Epsilon, Epsilon: epsilon);
    public static LrpRule GammaRule(double gamma = 0.25) => new(LrpRuleKind.Gamma, Gamma: gamma);
    public static LrpRule AlphaBetaRule(double alpha, double beta) => new(LrpRuleKind.AlphaBeta, Alpha: alpha, Beta: beta);
    public static LrpRule ZBoxRule(double low, double high) => new(LrpRuleKind.ZBox, Low: low, High: high);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Epsilon < 0 || !double.IsFinite(Epsilon)) problems.Add($"LrpRule.Epsilon is {Epsilon}; expected a number ≥ 0.");
        if (Gamma < 0 || !double.IsFinite(Gamma)) problems.Add($"LrpRule.Gamma is {Gamma}; expected a number ≥ 0.");
        if (Kind == LrpRuleKind.AlphaBeta && Math.Abs(Alpha - Beta - 1) > 1e-12)
            problems.Add($"LrpRule.Alpha − LrpRule.Beta is {Alpha - Beta}; the αβ rule conserves relevance only with α − β = 1.");
        if (Kind == LrpRuleKind.ZBox && !(Low < High)) problems.Add($"LrpRule.Low ({Low}) must be below LrpRule.High ({High}).");
        return problems;
    }
}

/// <summary>Where a layer sits, for a composite to choose its rule.</summary>
/// <param name="Index">Position among the layers with weights, 0 = the first (reads the input).</param>
/// <param name="Count">Layers with weights in the network.</param>
/// <param name="Convolution">A convolution (else a dense layer).</param>
public sealed record LrpLayerPosition(int Index, int Count, bool Convolution)
{
    public bool IsInput => Index == 0;
    public bool IsOutput => Index == Count - 1;
}

/// <summary>Which rule each layer gets. Recurrent layers always use ε through their linear maps and signal-take-all
/// for gates (Arras et al. 2017), with the composite's ε (<see cref="RecurrentEpsilon"/>).</summary>
public sealed record LrpComposite(Func<LrpLayerPosition, LrpRule> RuleFor, double RecurrentEpsilon = 1e-3)
{
    /// <summary>The same rule everywhere (LRP-0, LRP-ε, ...).</summary>
    public static LrpComposite Uniform(LrpRule rule) => new(_ => rule, rule.Kind is LrpRuleKind.Epsilon ? rule.Epsilon : 1e-9);

    /// <summary>Montavon et al. 2019, section 10.3: z^B at the pixel input (when <paramref name="low"/> and
    /// <paramref name="high"/> bound it; else flat), LRP-γ (0.25) in convolutions, LRP-ε (0.25) in dense layers and
    /// LRP-0 at the output layer.</summary>
    public static LrpComposite Montavon2019(double? low = null, double? high = null) => new(position =>
        position.IsInput && position.Count > 1 ? (low is { } l && high is { } h ? LrpRule.ZBoxRule(l, h) : LrpRule.Flat)
        : position.IsOutput ? LrpRule.Zero
        : position.Convolution ? LrpRule.GammaRule(0.25)
        : LrpRule.EpsilonRule(0.25));
}
