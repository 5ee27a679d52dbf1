namespace LayerScope.Reduction;

/// <summary>Reproducible standard normal numbers from a seeded <see cref="Random"/> (Box–Muller).</summary>
internal static class Gaussian
{
    public static void Fill(Random random, Span<double> values, double scale = 1)
    {
        for (int i = 0; i < values.Length; i += 2)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1)) * scale;
            values[i] = r * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < values.Length) values[i + 1] = r * Math.Sin(2 * Math.PI * u2);
        }
    }

    public static void Fill(Random random, Span<float> values, double scale = 1)
    {
        Span<double> pair = stackalloc double[2];
        for (int i = 0; i < values.Length; i += 2)
        {
            Fill(random, pair, scale);
            values[i] = (float)pair[0];
            if (i + 1 < values.Length) values[i + 1] = (float)pair[1];
        }
    }
}
