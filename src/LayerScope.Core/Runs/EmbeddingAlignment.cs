using LayerScope.Reduction;
using TorchSharp;

namespace LayerScope.Runs;

/// <summary>
/// Turns, flips and shifts an embedding onto a reference of the same points (the previous epoch's), so an animation
/// over epochs shows the points moving rather than the whole picture spinning: t-SNE, UMAP and PCA fix their result
/// only up to a rotation, a reflection and a translation, and each epoch's fit picks one at random.
/// </summary>
/// <remarks>Orthogonal Procrustes: with X and Y centred, the orthogonal R minimising ‖X R − Y‖_F is U Vᵀ, where
/// U Σ Vᵀ is the SVD of Xᵀ Y (P. H. Schönemann, "A generalized solution of the orthogonal Procrustes problem",
/// Psychometrika 31(1), 1966). Scale is kept: distances within an embedding are left exactly as the method made
/// them.</remarks>
public static class EmbeddingAlignment
{
    /// <summary>The points of <paramref name="embedding"/> rotated (or reflected) and translated to lie as close as
    /// possible, in the least-squares sense, to the same points in <paramref name="reference"/>.</summary>
    /// <param name="embedding">The coordinates to align, [N, d].</param>
    /// <param name="reference">The coordinates of the same N points to align onto, [N, d].</param>
    /// <returns>A new [N, d] matrix; pairwise distances equal those of <paramref name="embedding"/>.</returns>
    public static DenseMatrix Align(DenseMatrix embedding, DenseMatrix reference)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentNullException.ThrowIfNull(reference);
        if (embedding.Rows != reference.Rows || embedding.Columns != reference.Columns)
            throw new ArgumentException(
                $"The embedding is {embedding.Rows} × {embedding.Columns} but the reference is {reference.Rows} × {reference.Columns}; "
                + "both must hold the same points in the same number of dimensions.", nameof(reference));
        int n = embedding.Rows, d = embedding.Columns;
        var result = new float[(long)n * d];
        if (n == 0 || d == 0) return new DenseMatrix(result, n, d);

        var embeddingMean = ColumnMeans(embedding);
        var referenceMean = ColumnMeans(reference);
        // Xᵀ Y of the centred points, in double: d is 2 or 3, the sum runs over N.
        var cross = new double[d * d];
        for (int i = 0; i < n; i++)
        {
            for (int a = 0; a < d; a++)
            {
                double x = embedding[i, a] - embeddingMean[a];
                for (int b = 0; b < d; b++) cross[a * d + b] += x * (reference[i, b] - referenceMean[b]);
            }
        }

        var rotation = new double[d * d];
        using (torch.NewDisposeScope())
        {
            var (u, _, vh) = torch.linalg.svd(torch.tensor(cross, d, d), fullMatrices: false);
            u.matmul(vh).data<double>().CopyTo(rotation, 0);
        }

        for (int i = 0; i < n; i++)
        {
            for (int b = 0; b < d; b++)
            {
                double sum = referenceMean[b];
                for (int a = 0; a < d; a++) sum += (embedding[i, a] - embeddingMean[a]) * rotation[a * d + b];
                result[(long)i * d + b] = (float)sum;
            }
        }
        return new DenseMatrix(result, n, d);
    }

    private static double[] ColumnMeans(DenseMatrix matrix)
    {
        var means = new double[matrix.Columns];
        for (int i = 0; i < matrix.Rows; i++)
            for (int j = 0; j < matrix.Columns; j++) means[j] += matrix[i, j];
        for (int j = 0; j < means.Length; j++) means[j] /= matrix.Rows;
        return means;
    }
}
