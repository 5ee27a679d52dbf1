namespace LayerScope.Reduction.Tsne;

/// <summary>
/// The t-SNE gradient ∂KL/∂y_i = 4 (α Σ_j p_ij w_ij (y_i − y_j) − Σ_j w_ij² (y_i − y_j) / Z) with
/// w_ij = 1 / (1 + ‖y_i − y_j‖²): the sparse attractive part here, the repulsive part from an
/// <see cref="ITsneRepulsion"/>. Parallel over fixed chunks of points, so results do not depend on the thread count.
/// </summary>
internal static unsafe class TsneGradient
{
    /// <summary>Writes Σ_j p_ij w_ij (y_i − y_j) for every point into <paramref name="attraction"/>.</summary>
    public static void Attraction(TsneAffinities p, double[] y, int dims, double[] attraction, int threads)
    {
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
                        double x0 = py[2 * i], x1 = py[2 * i + 1], f0 = 0, f1 = 0;
                        for (int e = offsets[i], stop = offsets[i + 1]; e < stop; e++)
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
