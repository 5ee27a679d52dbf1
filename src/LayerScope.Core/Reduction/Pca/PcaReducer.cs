using LayerScope.Errors;
using LayerScope.Progress;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Reduction.Pca;

/// <summary>
/// Principal component analysis on libtorch: exact (covariance eigen-decomposition) for few columns, randomized SVD
/// for many. The data are wrapped, never centred in a copy: centring is folded into the products, so a
/// 1,000,000 × 1024 float matrix is held once.
/// </summary>
/// <remarks>
/// Randomized method: N. Halko, P.-G. Martinsson and J. A. Tropp, "Finding structure with randomness: probabilistic
/// algorithms for constructing approximate matrix decompositions", SIAM Review 53(2), 2011 (Algorithm 4.4, randomized
/// subspace iteration, followed by the SVD of the small matrix B = Qᵀ A).
/// </remarks>
public sealed class PcaReducer(PcaOptions? options = null) : IReducer
{
    /// <summary>The settings <see cref="Reduce"/> uses; <see cref="PcaOptions.Components"/> is the output's dimensions.</summary>
    public PcaOptions Options { get; } = options ?? new PcaOptions { Components = 2 };

    /// <inheritdoc/>
    public ReductionMethod Method => ReductionMethod.Pca;

    /// <inheritdoc/>
    public ReducedPoints Reduce(DenseMatrix x, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var pca = Fit(x, Options, progress);
        var ratio = pca.ExplainedVarianceRatio.Sum();
        return new ReducedPoints(Method, pca.Transform(x, Options.Threads),
            new Dictionary<string, double> { ["components"] = Options.Components, ["explainedVariance"] = ratio },
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"PCA ({Options.Components} components, {ratio:P1} of the variance)"));
    }

    /// <summary>Columns up to which <see cref="PcaMethod.Auto"/> uses the exact method.</summary>
    public const int ExactColumnLimit = 512;

    /// <summary>The preprocessing step of t-SNE and UMAP: projects <paramref name="x"/> onto its first
    /// <paramref name="components"/> principal components when it has more columns (and rows) than that; otherwise
    /// returns it unchanged with no PCA. <paramref name="components"/> ≤ 0 turns the step off.</summary>
    public static (PcaResult? Pca, DenseMatrix Data) ReduceIfWider(DenseMatrix x, int components, int seed, int threads, IProgress<StepProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (components <= 0 || x.Columns <= components || x.Rows <= components) return (null, x);
        var pca = Fit(x, new PcaOptions { Components = components, Seed = seed, Threads = threads }, progress);
        return (pca, pca.Transform(x, threads));
    }

    /// <summary>Fits a PCA to the rows of <paramref name="x"/>.</summary>
    /// <exception cref="InvalidSettingsException">The options do not fit the data.</exception>
    /// <exception cref="DataFormatException">The data contain NaN or infinite values.</exception>
    public static PcaResult Fit(DenseMatrix x, PcaOptions? options = null, IProgress<StepProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        options ??= new PcaOptions();
        InvalidSettingsException.ThrowIfAny(options.Validate(x.Rows, x.Columns));
        x.EnsureFinite();
        ReductionThreads.ApplyToTorch(options.Threads);
        var method = options.Method;
        if (method == PcaMethod.Auto)
            method = x.Columns <= ExactColumnLimit || options.Components * 4 >= x.Columns ? PcaMethod.Exact : PcaMethod.Randomized;
        progress?.Report(new StepProgress("PCA", 0, 1, method.ToString().ToLowerInvariant()));

        var (mean, columnVariance) = ColumnMoments(x, options.Threads);
        double total = columnVariance.Sum();
        var meanF = mean.Select(m => (float)m).ToArray();
        var (components, variance) = method == PcaMethod.Exact
            ? FitExact(x, mean, options.Components)
            : FitRandomized(x, meanF, options);
        ApplySignConvention(components, options.Components, x.Columns);
        progress?.Report(new StepProgress("PCA", 1, 1, method.ToString().ToLowerInvariant()));
        return new PcaResult(meanF, components, options.Components, variance, total, options.Whiten, method);
    }

    /// <summary>Column means and sample variances in double, two passes over blocks of rows in parallel.</summary>
    private static (double[] Mean, double[] Variance) ColumnMoments(DenseMatrix x, int threads)
    {
        int d = x.Columns, n = x.Rows;
        const int block = 4096;
        int blocks = (n + block - 1) / block;
        var partial = new double[blocks][];
        ReductionThreads.ForChunks(n, block, threads, (c, start, end) =>
        {
            var sum = new double[d];
            for (int i = start; i < end; i++)
            {
                var row = x.Row(i);
                for (int j = 0; j < d; j++) sum[j] += row[j];
            }
            partial[c] = sum;
        });
        var mean = new double[d];
        foreach (var p in partial) for (int j = 0; j < d; j++) mean[j] += p[j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        ReductionThreads.ForChunks(n, block, threads, (c, start, end) =>
        {
            var sum = new double[d];
            for (int i = start; i < end; i++)
            {
                var row = x.Row(i);
                for (int j = 0; j < d; j++) { double v = row[j] - mean[j]; sum[j] += v * v; }
            }
            partial[c] = sum;
        });
        var variance = new double[d];
        foreach (var p in partial) for (int j = 0; j < d; j++) variance[j] += p[j];
        for (int j = 0; j < d; j++) variance[j] /= n - 1;
        return (mean, variance);
    }

    /// <summary>Covariance Cᵀ C / (N − 1) of the centred data, accumulated in double over blocks of centred rows (the
    /// block is the only temporary), then <c>eigh</c>.</summary>
    private static (float[] Components, double[] Variance) FitExact(DenseMatrix x, double[] mean, int k)
    {
        int n = x.Rows, d = x.Columns;
        using var scope = torch.NewDisposeScope();
        var data = torch.from_array(x.Values).view(n, d);
        var meanD = torch.tensor(mean).view(1, d);
        var covariance = torch.zeros(d, d, dtype: ScalarType.Float64);
        // Products in double on libtorch-allocated blocks: besides the accuracy, float32 GEMM rounding varies with the
        // thread count and operand alignment, and the components feed t-SNE and UMAP starts, which amplify any bit.
        int block = Math.Max(256, (int)Math.Min(65536, 32_000_000L / Math.Max(1, d)));
        for (int start = 0; start < n; start += block)
        {
            using var inner = torch.NewDisposeScope();
            int length = Math.Min(block, n - start);
            var centred = data.narrow(0, start, length).to_type(ScalarType.Float64).sub_(meanD);
            covariance.add_(centred.t().mm(centred));
        }
        covariance.div_(n - 1);
        var (values, vectors) = torch.linalg.eigh(covariance);
        // eigh returns ascending eigenvalues; the components are the last k columns, reversed.
        var top = vectors.narrow(1, d - k, k).flip(1).t().contiguous().to_type(ScalarType.Float32);
        var variance = values.narrow(0, d - k, k).flip(0).clamp_min(0).contiguous().data<double>().ToArray();
        return (top.data<float>().ToArray(), variance);
    }

    /// <summary>Randomized subspace iteration on the implicitly centred matrix A = X − 1 μᵀ: products
    /// A Ω = X Ω − 1 (μᵀ Ω) and Aᵀ Q = Xᵀ Q − μ (1ᵀ Q) never form A.</summary>
    private static (float[] Components, double[] Variance) FitRandomized(DenseMatrix x, float[] meanValues, PcaOptions options)
    {
        int n = x.Rows, d = x.Columns, k = options.Components;
        int l = Math.Min(Math.Min(n, d), k + options.Oversampling);
        using var scope = torch.NewDisposeScope();
        var data = torch.from_array(x.Values).view(n, d);
        var mean = torch.from_array(meanValues).view(1, d);
        var omegaValues = new float[d * l];
        Gaussian.Fill(new Random(options.Seed), omegaValues);
        var omega = torch.from_array(omegaValues).view(d, l);

        Tensor Times(Tensor right) => data.mm(right).sub_(mean.mm(right));             // A · right   (N × l)
        Tensor TransposeTimes(Tensor left) => data.t().mm(left).sub_(mean.t().mm(left.sum([0], keepdim: true))); // Aᵀ · left (D × l)

        var q = torch.linalg.qr(Times(omega)).Q;
        for (int iteration = 0; iteration < options.PowerIterations; iteration++)
        {
            // Orthonormalising after every product keeps the small singular directions from being lost in float32.
            var z = torch.linalg.qr(TransposeTimes(q)).Q;
            q = torch.linalg.qr(Times(z)).Q;
        }
        var b = TransposeTimes(q).t().to_type(ScalarType.Float64);                    // Qᵀ A (l × D)
        var (_, s, vh) = torch.linalg.svd(b, fullMatrices: false);
        var components = vh.narrow(0, 0, k).to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        var variance = s.narrow(0, 0, k).square().div(n - 1).contiguous().data<double>().ToArray();
        return (components, variance);
    }

    /// <summary>Flips each component so that its entry of largest magnitude is positive (deterministic signs).</summary>
    private static void ApplySignConvention(float[] components, int k, int d)
    {
        for (int c = 0; c < k; c++)
        {
            var row = components.AsSpan(c * d, d);
            int best = 0;
            for (int j = 1; j < d; j++) if (Math.Abs(row[j]) > Math.Abs(row[best])) best = j;
            if (row[best] < 0) for (int j = 0; j < d; j++) row[j] = -row[j];
        }
    }
}
