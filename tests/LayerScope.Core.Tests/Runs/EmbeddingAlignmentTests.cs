using LayerScope.Reduction;
using LayerScope.Runs;
using LayerScope.Testing;

namespace LayerScope.Tests.Runs;

public class EmbeddingAlignmentTests
{
    [Fact]
    public void A_rotated_and_shifted_copy_is_turned_back_onto_the_original()
    {
        var original = SyntheticClusters.Uniform(200, 2, seed: 7);
        var moved = Rotate(original, angle: 2.1, dx: 10, dy: -4);

        var aligned = EmbeddingAlignment.Align(moved, original);

        Assert.True(MaxDifference(aligned, original) < 1e-4, $"max difference {MaxDifference(aligned, original)}");
    }

    [Fact]
    public void A_mirrored_copy_is_mirrored_back()
    {
        var original = SyntheticClusters.Uniform(100, 2, seed: 8);
        var mirrored = DenseMatrix.Zeros(100, 2);
        for (int i = 0; i < 100; i++) { mirrored[i, 0] = -original[i, 0]; mirrored[i, 1] = original[i, 1]; }

        var aligned = EmbeddingAlignment.Align(mirrored, original);

        Assert.True(MaxDifference(aligned, original) < 1e-5);
    }

    [Fact]
    public void A_known_3d_rotation_is_recovered_and_distances_are_kept()
    {
        var original = SyntheticClusters.Uniform(150, 3, seed: 9);
        // Rotation about the axis (1, 1, 1)/√3 by 40°: Rodrigues' formula.
        double angle = 40 * Math.PI / 180, c = Math.Cos(angle), s = Math.Sin(angle), t = 1 - c, k = 1 / Math.Sqrt(3);
        double[,] r =
        {
            { t * k * k + c, t * k * k - s * k, t * k * k + s * k },
            { t * k * k + s * k, t * k * k + c, t * k * k - s * k },
            { t * k * k - s * k, t * k * k + s * k, t * k * k + c },
        };
        var rotated = DenseMatrix.Zeros(150, 3);
        for (int i = 0; i < 150; i++)
            for (int b = 0; b < 3; b++)
                rotated[i, b] = (float)(original[i, 0] * r[0, b] + original[i, 1] * r[1, b] + original[i, 2] * r[2, b]);

        var aligned = EmbeddingAlignment.Align(rotated, original);

        Assert.True(MaxDifference(aligned, original) < 1e-4);
        Assert.Equal(Distance(rotated, 3, 77), Distance(aligned, 3, 77), 4);
    }

    [Fact]
    public void Shapes_that_differ_are_refused()
    {
        Assert.Throws<ArgumentException>(() => EmbeddingAlignment.Align(DenseMatrix.Zeros(5, 2), DenseMatrix.Zeros(6, 2)));
    }

    internal static DenseMatrix Rotate(DenseMatrix points, double angle, float dx, float dy)
    {
        var result = DenseMatrix.Zeros(points.Rows, 2);
        for (int i = 0; i < points.Rows; i++)
        {
            result[i, 0] = (float)(Math.Cos(angle) * points[i, 0] - Math.Sin(angle) * points[i, 1]) + dx;
            result[i, 1] = (float)(Math.Sin(angle) * points[i, 0] + Math.Cos(angle) * points[i, 1]) + dy;
        }
        return result;
    }

    private static double MaxDifference(DenseMatrix a, DenseMatrix b) =>
        a.Values.Zip(b.Values, (x, y) => Math.Abs(x - y)).Max();

    private static double Distance(DenseMatrix m, int i, int j)
    {
        double sum = 0;
        for (int c = 0; c < m.Columns; c++) sum += (m[i, c] - m[j, c]) * (m[i, c] - m[j, c]);
        return Math.Sqrt(sum);
    }
}
