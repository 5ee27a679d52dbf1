using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerScope.Reduction.Tsne;

/// <summary>
/// The t-SNE gradient ∂KL/∂y_i = 4 (α Σ_j p_ij w_ij (y_i − y_j) − Σ_j w_ij² (y_i − y_j) / Z) with
/// w_ij = 1 / (1 + ‖y_i − y_j‖²): the sparse attractive part here, the repulsive part from an
/// <see cref="ITsneRepulsion"/>. Parallel over fixed chunks of points, so results do not depend on the thread count.
/// </summary>
internal static unsafe class TsneGradient
{
    /// <summary>Writes Σ_j p_ij w_ij (y_i − y_j) for every point into <paramref name="attraction"/>.</summary>
    public static void Attraction(TsneAffinities p, double[] y, int dims, double[] attraction, int threads) =>
        Attraction(p, y, dims, attraction, threads, vector: true);

    /// <summary>The attraction; <paramref name="vector"/> lets the 2-D sums use AVX2 (four affinities per step,
    /// neighbours' positions gathered), else every sum runs one affinity at a time. The two differ in rounding only
    /// (tests compare them).</summary>
    internal static void Attraction(TsneAffinities p, double[] y, int dims, double[] attraction, int threads, bool vector)
    {
        if (dims == 2 && vector && Avx2.IsSupported && Fma.IsSupported)
        {
            // At 70,000 points the attraction was half of an iteration's CPU time: one division and two dependent
            // additions per affinity (about 3 ns each). Four lanes at a time, with two sets of accumulators so the
            // additions do not wait on each other; the rest of a row one at a time.
            ReductionThreads.ForChunks(p.Count, 512, threads, (_, start, end) => Attraction2dAvx2(p, y, attraction, start, end));
            return;
        }
        ReductionThreads.ForChunks(p.Count, 512, threads, (_, start, end) =>
        {
            fixed (double* py = y, pa = attraction)
            fixed (int* offsets = p.RowOffsets, columns = p.Columns, slots = p.RowSlots)
            fixed (float* values = p.Values)
            {
                if (dims == 2)
                {
                    for (int i = start; i < end; i++)
                    {
                        int si = slots == null ? i : slots[i];
                        double f0 = 0, f1 = 0;
                        AddTerms(py[2 * si], py[2 * si + 1], offsets[i], offsets[i + 1], py, columns, values, ref f0, ref f1);
                        pa[2 * si] = f0;
                        pa[2 * si + 1] = f1;
                    }
                }
                else
                {
                    for (int i = start; i < end; i++)
                    {
                        int si = slots == null ? i : slots[i];
                        double f0 = 0, f1 = 0, f2 = 0;
                        double x0 = py[dims * si], x1 = py[dims * si + 1], x2 = py[dims * si + 2];
                        for (int e = offsets[i], stop = offsets[i + 1]; e < stop; e++)
                        {
                            int j = columns[e];
                            double d0 = x0 - py[dims * j], d1 = x1 - py[dims * j + 1], d2 = x2 - py[dims * j + 2];
                            double w = values[e] / (1 + d0 * d0 + d1 * d1 + d2 * d2);
                            f0 += w * d0;
                            f1 += w * d1;
                            f2 += w * d2;
                        }
                        pa[dims * si] = f0;
                        pa[dims * si + 1] = f1;
                        pa[dims * si + 2] = f2;
                    }
                }
            }
        });
    }

    private static void Attraction2dAvx2(TsneAffinities p, double[] y, double[] attraction, int start, int end)
    {
        fixed (double* py = y, pa = attraction)
        fixed (int* offsets = p.RowOffsets, columns = p.Columns, slots = p.RowSlots)
        fixed (float* values = p.Values)
        {
            for (int i = start; i < end; i++)
            {
                int si = slots == null ? i : slots[i];
                double x0 = py[2 * si], x1 = py[2 * si + 1];
                var vx0 = Vector256.Create(x0);
                var vx1 = Vector256.Create(x1);
                Vector256<double> a0 = Vector256<double>.Zero, a1 = Vector256<double>.Zero;
                Vector256<double> b0 = Vector256<double>.Zero, b1 = Vector256<double>.Zero;
                int e = offsets[i], stop = offsets[i + 1];
                // Two independent sets of accumulators, so consecutive FMAs do not wait on each other.
                for (; e + 8 <= stop; e += 8)
                {
                    AddLanes(vx0, vx1, e, py, columns, values, ref a0, ref a1);
                    AddLanes(vx0, vx1, e + 4, py, columns, values, ref b0, ref b1);
                }
                double f0 = Vector256.Sum(a0 + b0), f1 = Vector256.Sum(a1 + b1);
                AddTerms(x0, x1, e, stop, py, columns, values, ref f0, ref f1);
                pa[2 * si] = f0;
                pa[2 * si + 1] = f1;
            }
        }
    }

    /// <summary>Adds the terms of affinities <paramref name="e"/> … <paramref name="e"/> + 3 lane by lane.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void AddLanes(Vector256<double> x0, Vector256<double> x1, int e, double* py, int* columns, float* values,
        ref Vector256<double> f0, ref Vector256<double> f1)
    {
        var j = Sse2.ShiftLeftLogical(Sse2.LoadVector128(columns + e), 1);
        var d0 = x0 - Avx2.GatherVector256(py, j, 8);
        var d1 = x1 - Avx2.GatherVector256(py + 1, j, 8);
        var w = Avx.ConvertToVector256Double(Sse.LoadVector128(values + e)) / Fma.MultiplyAdd(d1, d1, Fma.MultiplyAdd(d0, d0, Vector256.Create(1.0)));
        f0 = Fma.MultiplyAdd(w, d0, f0);
        f1 = Fma.MultiplyAdd(w, d1, f1);
    }

    /// <summary>Adds the 2-D attraction terms of affinities <paramref name="from"/> … <paramref name="stop"/> − 1, one at a
    /// time, for a point at (<paramref name="x0"/>, <paramref name="x1"/>).</summary>
    private static void AddTerms(double x0, double x1, int from, int stop, double* py, int* columns, float* values, ref double f0, ref double f1)
    {
        for (int e = from; e < stop; e++)
        {
            int j = columns[e];
            double d0 = x0 - py[2 * j], d1 = x1 - py[2 * j + 1];
            double w = values[e] / (1 + d0 * d0 + d1 * d1);
            f0 += w * d0;
            f1 += w * d1;
        }
    }

    /// <summary>KL(P ‖ Q) = Σ p log p − Σ p log w + log Z, with P summing to 1.</summary>
    public static double KlDivergence(TsneAffinities p, double[] y, int dims, double z, int threads)
    {
        const int chunk = 1024;
        var partial = new double[(p.Count + chunk - 1) / chunk];
        ReductionThreads.ForChunks(p.Count, chunk, threads, (c, start, end) =>
        {
            double sum = 0;
            var slots = p.RowSlots;
            for (int i = start; i < end; i++)
            {
                int si = slots is null ? i : slots[i];
                for (int e = p.RowOffsets[i]; e < p.RowOffsets[i + 1]; e++)
                {
                    double pij = p.Values[e];
                    if (pij <= 0) continue;
                    int j = p.Columns[e];
                    double d2 = 0;
                    for (int a = 0; a < dims; a++) { double diff = y[dims * si + a] - y[dims * j + a]; d2 += diff * diff; }
                    // p log(p / q) with q = w / Z = 1 / ((1 + d²) Z)
                    sum += pij * (Math.Log(pij) + Math.Log(1 + d2));
                }
            }
            partial[c] = sum;
        });
        double total = 0;
        foreach (double s in partial) total += s;
        double mass = 0;
        foreach (float v in p.Values) mass += v;
        return total + mass * Math.Log(z);
    }

    /// <summary>The full gradient into <paramref name="gradient"/>; returns Z.</summary>
    public static double Compute(TsneAffinities p, double[] y, int dims, double exaggeration, ITsneRepulsion repulsion,
        double[] gradient, double[] attraction, double[] repulsive, int threads)
    {
        double z = repulsion.Compute(y, p.Count, repulsive);
        Attraction(p, y, dims, attraction, threads);
        double inverseZ = 1 / z;
        int length = p.Count * dims;
        ReductionThreads.ForChunks(length, 8192, threads, (_, start, end) =>
        {
            for (int c = start; c < end; c++)
                gradient[c] = 4 * (exaggeration * attraction[c] - repulsive[c] * inverseZ);
        });
        return z;
    }
}
