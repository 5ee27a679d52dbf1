using LayerScope.Reduction.Umap;
using LayerScope.Reduction;

namespace LayerScope.Tests.Reduction.Umap;

public class GraphEigenvectorsTests
{
    /// <summary>A cycle of <paramref name="n"/> vertices with unit weights: its normalised adjacency W/2 has the
    /// eigenvalues cos(2πk/n), the smoothest pair (k = 1) spanned by cos(2πi/n) and sin(2πi/n).</summary>
    private static UmapGraph Ring(int n)
    {
        var offsets = Enumerable.Range(0, n + 1).Select(i => 2 * i).ToArray();
        var columns = new int[2 * n];
        for (int i = 0; i < n; i++)
        {
            int previous = (i + n - 1) % n, next = (i + 1) % n;
            columns[2 * i] = Math.Min(previous, next);
            columns[2 * i + 1] = Math.Max(previous, next);
        }
        return new UmapGraph(n, offsets, columns, Enumerable.Repeat(1f, 2 * n).ToArray());
    }

    [Fact]
    public void The_smoothest_pair_of_a_ring_is_found_where_power_steps_would_need_thousands()
    {
        // The wanted eigenvalue cos(2π/300) lies 0.0013 from the first one outside the block of 4 (cos(6π/300)):
        // subspace iteration on (I + N)/2 converges by a factor of about 1 − 0.0007 per step (over 10,000 steps for a
        // residual of 10⁻⁴); LOBPCG needs about the square root of that gap.
        const int n = 300;
        var result = GraphEigenvectors.Smoothest(Ring(n), 2, seed: 4, threads: 1, maxIterations: 300);
        Assert.True(result.Converged, $"residual {result.Residual} after {result.Iterations} iterations");
        Assert.True(result.Iterations < 300);
        double expected = Math.Cos(2 * Math.PI / n);
        foreach (double value in result.Values) Assert.InRange(value, expected - 1e-5, expected + 1e-5);

        var cos = Enumerable.Range(0, n).Select(i => Math.Cos(2 * Math.PI * i / n)).ToArray();
        var sin = Enumerable.Range(0, n).Select(i => Math.Sin(2 * Math.PI * i / n)).ToArray();
        double cosNorm = Math.Sqrt(cos.Sum(v => v * v)), sinNorm = Math.Sqrt(sin.Sum(v => v * v));
        for (int c = 0; c < 2; c++)
        {
            var vector = Enumerable.Range(0, n).Select(i => result.Vectors[i * 2 + c]).ToArray();
            double length = Math.Sqrt(vector.Sum(v => v * v));
            double alongCos = vector.Zip(cos, (v, w) => v * w).Sum() / cosNorm, alongSin = vector.Zip(sin, (v, w) => v * w).Sum() / sinNorm;
            Assert.Equal(1, length, 6);
            // Unit vectors inside the eigenspace (so orthogonal to the trivial constant vector too).
            Assert.InRange(Math.Sqrt(alongCos * alongCos + alongSin * alongSin), 0.9999, 1.0001);
            Assert.Equal(0, vector.Sum(), 6);
        }
        double overlap = Enumerable.Range(0, n).Sum(i => result.Vectors[i * 2] * result.Vectors[i * 2 + 1]);
        Assert.Equal(0, overlap, 6);
    }

    [Fact]
    public void Too_few_iterations_are_reported_as_not_converged()
    {
        var result = GraphEigenvectors.Smoothest(Ring(300), 2, seed: 4, threads: 1, maxIterations: 3);
        Assert.False(result.Converged);
        Assert.Equal(3, result.Iterations);
        Assert.True(result.Residual > GraphEigenvectors.DefaultTolerance);
    }

    [Fact]
    public void A_start_near_the_answer_converges_sooner_to_the_same_eigenvalues()
    {
        // The ring's points on a circle (plus a little of the next harmonic) are the kind of start the points' principal
        // components give: smooth functions near the wanted eigenspace. The result must not depend on the start.
        const int n = 300;
        var start = new float[n * 2];
        for (int i = 0; i < n; i++)
        {
            double angle = 2 * Math.PI * i / n;
            start[2 * i] = (float)(Math.Cos(angle) + 0.2 * Math.Cos(2 * angle));
            start[2 * i + 1] = (float)(Math.Sin(angle) + 0.2 * Math.Sin(3 * angle));
        }
        var cold = GraphEigenvectors.Smoothest(Ring(n), 2, seed: 4, threads: 1, maxIterations: 300);
        var warm = GraphEigenvectors.Smoothest(Ring(n), 2, seed: 4, threads: 1, maxIterations: 300, start: new DenseMatrix(start, n, 2));
        Assert.True(warm.Converged);
        Assert.True(warm.Iterations < cold.Iterations / 2, $"{warm.Iterations} iterations from the circle, {cold.Iterations} from a random block");
        double expected = Math.Cos(2 * Math.PI / n);
        foreach (double value in warm.Values) Assert.InRange(value, expected - 1e-5, expected + 1e-5);
        var wrong = new DenseMatrix(new float[(n - 1) * 2], n - 1, 2);
        Assert.Throws<ArgumentException>(() => GraphEigenvectors.Smoothest(Ring(n), 2, start: wrong));
    }
}
