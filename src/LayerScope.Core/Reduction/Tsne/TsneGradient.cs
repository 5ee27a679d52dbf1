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
    /// <summary>Writes Σ_j p_ij w_ij (y_i − y_j) for every point into <paramref name="attraction"/>.
    /// <paramref name="packed"/>: a buffer of at least 2 N floats the 2-D kernel may reuse (else it allocates one).</summary>
    public static void Attraction(TsneAffinities p, double[] y, int dims, double[] attraction, int threads, float[]? packed = null) =>
        Attraction(p, y, dims, attraction, threads, TsneAttractionKernel.PackedFloat, packed);

    /// <summary>The attraction by a chosen kernel (tests and benchmarks compare them); a vector kernel the CPU cannot
    /// run, or any kernel outside 2-D, falls back to one at a time.</summary>
    internal static void Attraction(TsneAffinities p, double[] y, int dims, double[] attraction, int threads, TsneAttractionKernel kernel,
        float[]? packed = null)
    {
        bool avx2 = dims == 2 && Avx2.IsSupported && Fma.IsSupported;
        if (avx2 && kernel == TsneAttractionKernel.PackedFloat)
        {
            // From 250,000 points on, the neighbours' positions no longer fit in cache and each gathered position is a
            // memory access (4.3 ns per affinity at 250k against 3 at 70k in double). A float32 copy with x and y side
            // by side halves their footprint and fetches a whole neighbour per 64-bit gather lane, one gather per four
            // affinities instead of two: 1.9 ns at 250k. With P stored in Z-order (TsnePointOrder) consecutive rows
            // are map neighbours sharing most of their neighbours, so the gathers hit cache: 1.3 ns.
            int length = 2 * p.Count;
            var yf = packed is not null && packed.Length >= length ? packed : new float[length];
            ReductionThreads.ForChunks(length, 1 << 16, threads, (_, start, end) =>
            {
                for (int c = start; c < end; c++) yf[c] = (float)y[c];
            });
            ReductionThreads.ForChunks(p.Count, 512, threads, (_, start, end) => Attraction2dPacked(p, yf, attraction, start, end));
            return;
        }
        if (avx2 && kernel == TsneAttractionKernel.VectorDouble)
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
            fixed (int* offsets = p.RowOffsets, columns = p.Columns)
            fixed (float* values = p.Values)
            {
                if (dims == 2)
                {
                    for (int i = start; i < end; i++)
                    {
                        double f0 = 0, f1 = 0;
                        AddTerms(py[2 * i], py[2 * i + 1], offsets[i], offsets[i + 1], py, columns, values, ref f0, ref f1);
                        pa[2 * i] = f0;
                        pa[2 * i + 1] = f1;
                    }
                }
                else
                {
                    for (int i = start; i < end; i++)
                    {
                        double f0 = 0, f1 = 0, f2 = 0;
                        double x0 = py[dims * i], x1 = py[dims * i + 1], x2 = py[dims * i + 2];
                        for (int e = offsets[i], stop = offsets[i + 1]; e < stop; e++)
                        {
                            int j = columns[e];
                            double d0 = x0 - py[dims * j], d1 = x1 - py[dims * j + 1], d2 = x2 - py[dims * j + 2];
                            double w = values[e] / (1 + d0 * d0 + d1 * d1 + d2 * d2);
                            f0 += w * d0;
                            f1 += w * d1;
                            f2 += w * d2;
                        }
                        pa[dims * i] = f0;
                        pa[dims * i + 1] = f1;
                        pa[dims * i + 2] = f2;
                    }
                }
            }
        });
    }

    /// <summary>The 2-D attraction of rows <paramref name="start"/> … <paramref name="end"/> − 1 from float32 positions
    /// (x, y interleaved): four affinities per step, each neighbour's (x, y) one 64-bit gather lane, the terms in
    /// float32 with x and y side by side, each row's lanes added up in double. Against the double sums the difference
    /// is float32 rounding of the positions and terms (the tests state the bound).</summary>
    private static void Attraction2dPacked(TsneAffinities p, float[] y, double[] attraction, int start, int end)
    {
        var duplicate = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3);
        fixed (float* py = y)
        fixed (double* pa = attraction)
        fixed (int* offsets = p.RowOffsets, columns = p.Columns)
        fixed (float* values = p.Values)
        {
            for (int i = start; i < end; i++)
            {
                // (x, y) of this point in all four pairs of lanes.
                var self = Vector256.Create(*(long*)(py + 2 * i)).AsSingle();
                Vector256<float> a = Vector256<float>.Zero, b = Vector256<float>.Zero;
                int e = offsets[i], stop = offsets[i + 1];
                // Two independent accumulators, so consecutive FMAs do not wait on each other.
                for (; e + 8 <= stop; e += 8)
                {
                    a = AddPairs(self, Sse2.LoadVector128(columns + e), Sse.LoadVector128(values + e), py, duplicate, a);
                    b = AddPairs(self, Sse2.LoadVector128(columns + e + 4), Sse.LoadVector128(values + e + 4), py, duplicate, b);
                }
                if (e + 4 <= stop)
                {
                    a = AddPairs(self, Sse2.LoadVector128(columns + e), Sse.LoadVector128(values + e), py, duplicate, a);
                    e += 4;
                }
                var sum = a + b;
                // Lanes (fx, fy, fx, fy, ...) to double, then the four x and the four y lanes added.
                var wide = Avx.ConvertToVector256Double(sum.GetLower()) + Avx.ConvertToVector256Double(sum.GetUpper());
                double f0 = wide.GetElement(0) + wide.GetElement(2), f1 = wide.GetElement(1) + wide.GetElement(3);
                double x0 = py[2 * i], x1 = py[2 * i + 1];
                for (; e < stop; e++)
                {
                    int j = columns[e];
                    double d0 = x0 - py[2 * j], d1 = x1 - py[2 * j + 1];
                    double w = values[e] / (1 + d0 * d0 + d1 * d1);
                    f0 += w * d0;
                    f1 += w * d1;
                }
                pa[2 * i] = f0;
                pa[2 * i + 1] = f1;
            }
        }
    }

    /// <summary>Adds p w (y_i − y_j) for four neighbours <paramref name="j"/> with affinities <paramref name="p"/> to
    /// <paramref name="sum"/>, lanes (x, y) per neighbour.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> AddPairs(Vector256<float> self, Vector128<int> j, Vector128<float> p, float* py,
        Vector256<int> duplicate, Vector256<float> sum)
    {
        var d = self - Avx2.GatherVector256((long*)py, j, 8).AsSingle();
        var squares = d * d;
        // dx² + dy² in both lanes of each pair: add the pair-swapped squares.
        var distance2 = squares + Avx.Permute(squares, 0b10_11_00_01);
        var w = Avx2.PermuteVar8x32(p.ToVector256Unsafe(), duplicate) / (Vector256.Create(1f) + distance2);
        return Fma.MultiplyAdd(w, d, sum);
    }

    private static void Attraction2dAvx2(TsneAffinities p, double[] y, double[] attraction, int start, int end)
    {
        fixed (double* py = y, pa = attraction)
        fixed (int* offsets = p.RowOffsets, columns = p.Columns)
        fixed (float* values = p.Values)
        {
            for (int i = start; i < end; i++)
            {
                double x0 = py[2 * i], x1 = py[2 * i + 1];
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
                pa[2 * i] = f0;
                pa[2 * i + 1] = f1;
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
            for (int i = start; i < end; i++)
            {
                for (int e = p.RowOffsets[i]; e < p.RowOffsets[i + 1]; e++)
                {
                    double pij = p.Values[e];
                    if (pij <= 0) continue;
                    int j = p.Columns[e];
                    double d2 = 0;
                    for (int a = 0; a < dims; a++) { double diff = y[dims * i + a] - y[dims * j + a]; d2 += diff * diff; }
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
        double[] gradient, double[] attraction, double[] repulsive, int threads, float[]? packed = null)
    {
        double z = repulsion.Compute(y, p.Count, repulsive);
        Attraction(p, y, dims, attraction, threads, packed);
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
