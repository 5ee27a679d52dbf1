using LayerScope.Progress;

namespace LayerScope.Reduction.Umap;

/// <summary>
/// UMAP's stochastic gradient descent on the fuzzy cross-entropy (umap-learn's <c>optimize_layout_euclidean</c>):
/// every edge is sampled in proportion to its weight, pulling its ends together with the gradient of
/// log(1 / (1 + a d^(2b))), and each sample draws <c>negative rate</c> random points that push away with
/// 2γb / ((0.001 + d²)(1 + a d^(2b))); gradients are clipped to ±4, the step decays linearly to 0.
/// </summary>
/// <remarks>
/// Parallel and reproducible: vertices are split into fixed chunks; each vertex moves only itself, along its own
/// row of the symmetric graph (which holds both directions of every edge, so each pull is applied twice, as
/// umap-learn's move-other update does), reading the other points as they were at the start of the epoch. Random
/// draws come from a generator seeded by (seed, epoch, vertex), so the thread count does not change the result.
/// McInnes, Healy and Melville 2018, section 3.2 and appendix C.
/// </remarks>
internal sealed class UmapLayoutOptimizer
{
    private readonly int[] _offsets;
    private readonly int[] _columns;
    private readonly float[] _epochsPerSample;
    private readonly float[] _nextSample;
    private readonly float[] _nextNegative;
    private readonly float _a, _b, _gamma;
    private readonly int _negativeRate, _dims, _threads, _seed;

    public UmapLayoutOptimizer(int[] offsets, int[] columns, float[] epochsPerSample, double a, double b, double gamma,
        int negativeRate, int dims, int seed, int threads)
    {
        _offsets = offsets;
        _columns = columns;
        _epochsPerSample = epochsPerSample;
        _nextSample = (float[])epochsPerSample.Clone();
        _nextNegative = epochsPerSample.Select(e => negativeRate > 0 ? e / negativeRate : float.PositiveInfinity).ToArray();
        _a = (float)a;
        _b = (float)b;
        _gamma = (float)gamma;
        _negativeRate = negativeRate;
        _dims = dims;
        _seed = seed;
        _threads = threads;
    }

    /// <summary>Edge sampling rates from weights: an edge of the largest weight is sampled every epoch, one of weight w
    /// every max/w epochs; edges too weak to be sampled once in <paramref name="epochs"/> get −1 (never).</summary>
    public static float[] EpochsPerSample(float[] weights, int epochs)
    {
        float max = weights.Length > 0 ? weights.Max() : 1;
        return weights.Select(w => w > 0 && w >= max / Math.Max(1, epochs) ? max / w : -1f).ToArray();
    }

    /// <summary>Runs epochs <paramref name="firstEpoch"/> … <paramref name="firstEpoch"/> + <paramref name="epochs"/> − 1
    /// of a schedule of <paramref name="totalEpochs"/>. <paramref name="heads"/> (count × dims) move; edges point into
    /// <paramref name="tails"/> (null: the heads themselves, the fit; otherwise a fixed reference layout, placing new
    /// points). Returns the epochs done.</summary>
    public int Run(float[] heads, float[]? tails, int tailCount, int firstEpoch, int epochs, int totalEpochs, double learningRate,
        IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        int count = _offsets.Length - 1, dims = _dims;
        bool self = tails is null;
        var snapshot = self ? (float[])heads.Clone() : tails!;
        for (int t = 0; t < epochs; t++)
        {
            if (cancellationToken.IsCancellationRequested) return t;
            int epoch = firstEpoch + t;
            float alpha = (float)(learningRate * (1 - epoch / (double)totalEpochs));
            ReductionThreads.ForChunks(count, 256, _threads, (_, start, end) => Chunk(heads, snapshot, tailCount, self, epoch, alpha, start, end));
            if (self) Array.Copy(heads, snapshot, heads.Length);
            if ((epoch + 1) % 10 == 0 || t == epochs - 1)
                progress?.Report(new StepProgress("UMAP", epoch + 1, totalEpochs, $"epoch {epoch + 1}"));
        }
        return epochs;
    }

    private void Chunk(float[] heads, float[] tails, int tailCount, bool self, int epoch, float alpha, int start, int end)
    {
        int dims = _dims;
        Span<float> current = stackalloc float[dims];
        Span<float> delta = stackalloc float[dims];
        float a = _a, b = _b, twoAB = 2 * a * b, twoGammaB = 2 * _gamma * b;
        for (int i = start; i < end; i++)
        {
            ulong state = Mix((ulong)_seed * 0x9E3779B97F4A7C15UL ^ ((ulong)epoch << 32) ^ (uint)i);
            heads.AsSpan(i * dims, dims).CopyTo(current);
            for (int e = _offsets[i], stop = _offsets[i + 1]; e < stop; e++)
            {
                float perSample = _epochsPerSample[e];
                if (perSample <= 0 || _nextSample[e] > epoch) continue;
                int j = _columns[e];
                float d2 = 0;
                for (int c = 0; c < dims; c++) { delta[c] = current[c] - tails[j * dims + c]; d2 += delta[c] * delta[c]; }
                if (d2 > 0)
                {
                    float powB = MathF.Pow(d2, b);
                    float coefficient = -twoAB * powB / d2 / (a * powB + 1);
                    for (int c = 0; c < dims; c++) current[c] += 2 * Clip(coefficient * delta[c]) * alpha;
                }
                _nextSample[e] += perSample;

                float perNegative = perSample / _negativeRate;
                int negatives = _negativeRate > 0 ? (int)((epoch - _nextNegative[e]) / perNegative) : 0;
                for (int p = 0; p < negatives; p++)
                {
                    state = Next(state);
                    int k = (int)((state >> 33) % (ulong)tailCount);
                    if (self && k == i) continue;
                    d2 = 0;
                    for (int c = 0; c < dims; c++) { delta[c] = current[c] - tails[k * dims + c]; d2 += delta[c] * delta[c]; }
                    if (d2 > 0)
                    {
                        float coefficient = twoGammaB / ((0.001f + d2) * (a * MathF.Pow(d2, b) + 1));
                        for (int c = 0; c < dims; c++) current[c] += Clip(coefficient * delta[c]) * alpha;
                    }
                    else
                    {
                        for (int c = 0; c < dims; c++) current[c] += 4 * alpha;
                    }
                }
                if (negatives > 0) _nextNegative[e] += negatives * perNegative;
            }
            current.CopyTo(heads.AsSpan(i * dims, dims));
        }
    }

    private static float Clip(float value) => value > 4 ? 4 : value < -4 ? -4 : value;

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Next(ulong state) => Mix(state + 0x9E3779B97F4A7C15UL);
}
