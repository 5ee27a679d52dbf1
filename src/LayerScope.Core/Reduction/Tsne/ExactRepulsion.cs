namespace LayerScope.Reduction.Tsne;

/// <summary>All-pairs repulsion, O(N²): the reference the approximations are tested against.</summary>
internal sealed class ExactRepulsion(int dimensions, int threads) : ITsneRepulsion
{
    public double Compute(double[] y, int n, double[] forces)
    {
        int d = dimensions;
        const int chunk = 64;
        var partial = new double[(n + chunk - 1) / chunk];
        ReductionThreads.ForChunks(n, chunk, threads, (c, start, end) =>
        {
            double z = 0;
            var f = new double[d];
            for (int i = start; i < end; i++)
            {
                Array.Clear(f);
                for (int j = 0; j < n; j++)
                {
                    if (j == i) continue;
                    double d2 = 0;
                    for (int a = 0; a < d; a++) { double diff = y[i * d + a] - y[j * d + a]; d2 += diff * diff; }
                    double w = 1 / (1 + d2);
                    z += w;
                    for (int a = 0; a < d; a++) f[a] += w * w * (y[i * d + a] - y[j * d + a]);
                }
                for (int a = 0; a < d; a++) forces[i * d + a] = f[a];
            }
            partial[c] = z;
        });
        return partial.Sum();
    }
}
