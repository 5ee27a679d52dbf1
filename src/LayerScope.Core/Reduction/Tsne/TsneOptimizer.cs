using LayerScope.Progress;

namespace LayerScope.Reduction.Tsne;

/// <summary>
/// Gradient descent with momentum and per-coordinate gains (Jacobs 1988, as in van der Maaten's implementation and
/// scikit-learn): a gain grows by 0.2 while the gradient keeps flipping the step's sign and shrinks by the factor
/// 0.8 otherwise, never below 0.01. The state (positions, step, gains) is what an embedding keeps to be continued.
/// </summary>
internal sealed class TsneOptimizer
{
    private const double MinGain = 0.01;
    private readonly ITsneRepulsion _repulsion;
    private readonly double[] _gradient, _attraction, _repulsive;
    // The attraction's float32 copy of the positions, kept so that no iteration allocates one.
    private readonly float[] _packed;

    public TsneOptimizer(TsneAffinities affinities, double[] positions, int dims, ITsneRepulsion repulsion, int threads,
        double[]? update = null, double[]? gains = null)
    {
        Affinities = affinities;
        Positions = positions;
        Dims = dims;
        Threads = threads;
        _repulsion = repulsion;
        Update = update ?? new double[positions.Length];
        Gains = gains ?? Enumerable.Repeat(1.0, positions.Length).ToArray();
        _gradient = new double[positions.Length];
        _attraction = new double[positions.Length];
        _repulsive = new double[positions.Length];
        _packed = new float[dims == 2 ? positions.Length : 0];
    }

    public TsneAffinities Affinities { get; }
    public double[] Positions { get; }
    public double[] Update { get; }
    public double[] Gains { get; }
    public int Dims { get; }
    public int Threads { get; }
    public int Count => Affinities.Count;

    /// <summary>The learning rate is in the convention of FIt-SNE and openTSNE, whose gradient omits the constant
    /// factor 4 of ∂KL/∂y; with it, the step is learning rate × gradient / 4. Belkina et al.'s N / 12 is meant for that
    /// convention (scikit-learn's 'auto' N / 48 with the factor included is the same step).</summary>
    public const double GradientConvention = 0.25;

    /// <summary>The longest step a point may take in one iteration, in embedding units (FIt-SNE's and openTSNE's
    /// <c>max_step_norm</c> default).</summary>
    public const double MaxStepNorm = 5;

    /// <summary>Runs <paramref name="iterations"/> steps. Returns the iterations done (fewer when cancelled) and
    /// appends a report every <paramref name="reportEvery"/> iterations (and after the last).</summary>
    public int Run(int iterations, double exaggeration, double momentum, double learningRate, int firstIteration, int totalIterations,
        int reportEvery, List<TsneIterationReport> reports, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        int n = Count, length = n * Dims;
        var y = Positions;
        double step = learningRate * GradientConvention;
        for (int t = 0; t < iterations; t++)
        {
            if (cancellationToken.IsCancellationRequested) return t;
            double z = TsneGradient.Compute(Affinities, y, Dims, exaggeration, _repulsion, _gradient, _attraction, _repulsive, Threads, _packed);
            int done = firstIteration + t + 1;
            if (done % reportEvery == 0 || t == iterations - 1)
            {
                double kl = TsneGradient.KlDivergence(Affinities, y, Dims, z, Threads);
                reports.Add(new TsneIterationReport(done, kl, exaggeration));
                progress?.Report(new StepProgress("t-SNE", done, totalIterations, $"KL {kl:0.000}"));
            }
            var gradient = _gradient;
            var update = Update;
            var gains = Gains;
            int dims = Dims;
            double maxStep = MaxStepNorm;
            ReductionThreads.ForChunks(n, 4096, Threads, (_, start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    double norm2 = 0;
                    for (int c = i * dims, stop = c + dims; c < stop; c++)
                    {
                        double g = gradient[c];
                        // A coordinate that has not moved yet counts as moving with its gradient (sign 0 differs from
                        // the gradient's sign in FIt-SNE's and openTSNE's test), so its gain grows on the first step.
                        double gain = g * update[c] <= 0 ? gains[c] + 0.2 : gains[c] * 0.8;
                        if (gain < MinGain) gain = MinGain;
                        gains[c] = gain;
                        update[c] = momentum * update[c] - step * gain * g;
                        norm2 += update[c] * update[c];
                    }
                    // No point moves further than MaxStepNorm in one step: large steps early on (learning rate N / 12
                    // with growing gains) overshoot and leave points stranded; both FIt-SNE and openTSNE clip at 5.
                    double scale = norm2 > maxStep * maxStep ? maxStep / Math.Sqrt(norm2) : 1;
                    for (int c = i * dims, stop = c + dims; c < stop; c++)
                    {
                        update[c] *= scale;
                        y[c] += update[c];
                    }
                }
            });
            Recentre(y, n);
        }
        return iterations;
    }

    /// <summary>Keeps the embedding centred at the origin (translation does not change the objective; the FFT grid and
    /// later transforms like a centred layout).</summary>
    private void Recentre(double[] y, int n)
    {
        Span<double> mean = stackalloc double[3];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < Dims; a++) mean[a] += y[i * Dims + a];
        for (int a = 0; a < Dims; a++) mean[a] /= n;
        for (int i = 0; i < n; i++)
            for (int a = 0; a < Dims; a++) y[i * Dims + a] -= mean[a];
    }
}
