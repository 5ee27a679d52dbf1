using LayerScope.Reduction;

namespace LayerScope.Benchmarks;

/// <summary>The benchmark data: 10 Gaussian clusters in 50 dimensions (centres with standard deviation 2 per
/// coordinate, points with standard deviation 1 around them), reproducible for a seed.</summary>
public static class ClusterData
{
    public static (DenseMatrix X, int[] Labels) Create(int count, int dimensions = 50, int clusters = 10, double separation = 2, int seed = 42)
    {
        var random = new Random(seed);
        var centres = new double[clusters * dimensions];
        for (int i = 0; i < centres.Length; i++) centres[i] = Normal(random) * separation;
        var values = new float[(long)count * dimensions];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int c = random.Next(clusters);
            labels[i] = c;
            for (int j = 0; j < dimensions; j++) values[(long)i * dimensions + j] = (float)(centres[c * dimensions + j] + Normal(random));
        }
        return (new DenseMatrix(values, count, dimensions), labels);
    }

    private static double Normal(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
