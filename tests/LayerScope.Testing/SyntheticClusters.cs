using LayerScope.Reduction;

namespace LayerScope.Testing;

/// <summary>Reproducible Gaussian clusters for reduction tests and benchmarks: cluster centres drawn with standard
/// deviation <c>separation</c>, points around them with standard deviation 1.</summary>
public static class SyntheticClusters
{
    /// <summary><paramref name="count"/> points in <paramref name="dimensions"/> dimensions, labels 0..clusters−1
    /// assigned round-robin.</summary>
    public static (DenseMatrix X, int[] Labels) Gaussian(int count, int dimensions, int clusters = 10, double separation = 10, int seed = 1)
    {
        var random = new Random(seed);
        var centres = new double[clusters * dimensions];
        for (int i = 0; i < centres.Length; i++) centres[i] = Normal(random) * separation;
        var values = new float[(long)count * dimensions];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int c = i % clusters;
            labels[i] = c;
            for (int j = 0; j < dimensions; j++)
                values[(long)i * dimensions + j] = (float)(centres[c * dimensions + j] + Normal(random));
        }
        return (new DenseMatrix(values, count, dimensions), labels);
    }

    /// <summary>A standard normal number.</summary>
    public static double Normal(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Uniform random values in [−1, 1).</summary>
    public static DenseMatrix Uniform(int count, int dimensions, int seed = 1)
    {
        var random = new Random(seed);
        var values = new float[(long)count * dimensions];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return new DenseMatrix(values, count, dimensions);
    }
}
