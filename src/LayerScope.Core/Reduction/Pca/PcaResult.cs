using TorchSharp;
using static TorchSharp.torch;

namespace LayerScope.Reduction.Pca;

/// <summary>
/// A fitted PCA: the mean, the components and their variances. <see cref="Transform"/> projects any matrix with the
/// same columns, so new points land in the same coordinates.
/// </summary>
public sealed class PcaResult
{
    internal PcaResult(float[] mean, float[] components, int componentCount, double[] explainedVariance, double totalVariance, bool whiten, PcaMethod method)
    {
        Mean = mean;
        Components = new DenseMatrix(components, componentCount, mean.Length);
        ExplainedVariance = explainedVariance;
        TotalVariance = totalVariance;
        ExplainedVarianceRatio = explainedVariance.Select(v => totalVariance > 0 ? v / totalVariance : 0).ToArray();
        Whiten = whiten;
        Method = method;
    }

    /// <summary>The column means (length D) subtracted before projecting.</summary>
    public float[] Mean { get; }

    /// <summary>The components, one unit-length row each (K × D), by decreasing variance. Sign convention: each
    /// component's entry of largest magnitude is positive, so results do not flip between runs or methods.</summary>
    public DenseMatrix Components { get; }

    /// <summary>The variance of the data along each component (sample variance, divided by N − 1).</summary>
    public IReadOnlyList<double> ExplainedVariance { get; }

    /// <summary>Each component's share of the total variance.</summary>
    public IReadOnlyList<double> ExplainedVarianceRatio { get; }

    /// <summary>The total variance of the data (sum of the column variances).</summary>
    public double TotalVariance { get; }

    /// <summary>Whether scores are scaled to unit variance.</summary>
    public bool Whiten { get; }

    /// <summary>The method that found the components.</summary>
    public PcaMethod Method { get; }

    /// <summary>Projects <paramref name="x"/> (M × D) onto the components: (x − mean) · componentsᵀ, an M × K matrix,
    /// divided by √variance when whitening. <paramref name="x"/> is not copied.</summary>
    public DenseMatrix Transform(DenseMatrix x, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Columns != Mean.Length)
            throw new ArgumentException($"The matrix has {x.Columns} columns; this PCA was fitted on {Mean.Length}.", nameof(x));
        ReductionThreads.ApplyToTorch(threads);
        int k = Components.Rows;
        var output = new float[(long)x.Rows * k];
        if (x.Rows == 0) return new DenseMatrix(output, 0, k);
        using var scope = torch.NewDisposeScope();
        var data = torch.from_array(x.Values).view(x.Rows, x.Columns);
        // The product runs in double on libtorch-allocated blocks and is rounded to float once at the end. MKL may pick
        // kernels, and so the order of rounding, by thread count and by the memory alignment of its operands (a managed
        // array lies wherever the GC put it); a CI run saw two equal t-SNE runs diverge from their PCA start that way.
        // Rounding double results to float removes such last-bit differences, so equal inputs give equal scores.
        var v = torch.tensor(Components.Values).view(k, Mean.Length).to_type(ScalarType.Float64);
        var mean = torch.tensor(Mean).view(1, Mean.Length).to_type(ScalarType.Float64);
        var shift = mean.mm(v.t());
        var scale = Whiten
            ? torch.tensor(ExplainedVariance.Select(e => 1.0 / Math.Sqrt(Math.Max(e, 1e-30))).ToArray()).view(1, k)
            : null;
        int block = (int)Math.Clamp(2_000_000L / Math.Max(1, x.Columns), 64, Math.Max(64, x.Rows));
        var buffer = torch.empty(Math.Min(block, x.Rows), x.Columns, dtype: ScalarType.Float64);
        for (int start = 0; start < x.Rows; start += block)
        {
            using var inner = torch.NewDisposeScope();
            int length = Math.Min(block, x.Rows - start);
            var rows = buffer.narrow(0, 0, length);
            rows.copy_(data.narrow(0, start, length));
            var scores = rows.mm(v.t()).sub_(shift);
            if (scale is not null) scores.mul_(scale);
            scores.to_type(ScalarType.Float32).contiguous().data<float>().CopyTo(output.AsSpan((int)((long)start * k), length * k));
        }
        return new DenseMatrix(output, x.Rows, k);
    }
}
