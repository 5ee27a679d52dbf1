using LayerScope.Reduction.Pca;

namespace LayerScope.Reduction.Tsne;

/// <summary>Starting layouts for t-SNE, as plain functions returning N × dims matrices.</summary>
/// <remarks>PCA start scaled so that the first coordinate has standard deviation 1e-4: D. Kobak and P. Berens,
/// "The art of using t-SNE for single-cell transcriptomics", Nature Communications 10, 2019; it preserves global
/// structure better than a random start and makes runs reproducible.</remarks>
public static class TsneInitialization
{
    /// <summary>The standard deviation of the first coordinate of a start.</summary>
    public const double TargetStandardDeviation = 1e-4;

    /// <summary>The first <paramref name="dims"/> principal components of <paramref name="x"/>, scaled.</summary>
    public static DenseMatrix Pca(DenseMatrix x, int dims, int seed = 0, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Columns < dims) return Random(x.Rows, dims, seed);
        var pca = PcaReducer.Fit(x, new PcaOptions { Components = dims, Seed = seed, Threads = threads });
        return FromScores(pca.Transform(x, threads), dims);
    }

    /// <summary>The first <paramref name="dims"/> columns of principal-component scores, scaled.</summary>
    public static DenseMatrix FromScores(DenseMatrix scores, int dims)
    {
        ArgumentNullException.ThrowIfNull(scores);
        int n = scores.Rows;
        var values = new float[(long)n * dims];
        double mean = 0, square = 0;
        for (int i = 0; i < n; i++) mean += scores[i, 0];
        mean /= n;
        for (int i = 0; i < n; i++) { double v = scores[i, 0] - mean; square += v * v; }
        double std = Math.Sqrt(square / Math.Max(1, n - 1));
        double scale = std > 0 ? TargetStandardDeviation / std : 1;
        for (int i = 0; i < n; i++)
            for (int a = 0; a < dims; a++)
                values[i * dims + a] = (float)(scores[i, a] * scale);
        return new DenseMatrix(values, n, dims);
    }

    /// <summary>Gaussian noise with standard deviation 1e-4.</summary>
    public static DenseMatrix Random(int n, int dims, int seed = 0)
    {
        var values = new float[(long)n * dims];
        Gaussian.Fill(new Random(seed), values, TargetStandardDeviation);
        return new DenseMatrix(values, n, dims);
    }
}
