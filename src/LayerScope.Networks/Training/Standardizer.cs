namespace LayerScope.Training;

/// <summary>Rescales each feature column to mean 0 and standard deviation 1, with statistics taken from the training
/// set only (so nothing about the test set leaks into training).</summary>
public sealed record Standardizer(float[] Means, float[] StandardDeviations)
{
    /// <summary>Column means and standard deviations of a row-major [rows, columns] matrix. A constant column gets
    /// standard deviation 1 so it maps to 0 instead of NaN.</summary>
    public static Standardizer Fit(float[] values, int columns)
    {
        int rows = values.Length / columns;
        var means = new double[columns];
        var squares = new double[columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                double v = values[r * columns + c];
                means[c] += v;
                squares[c] += v * v;
            }
        var mean = new float[columns];
        var std = new float[columns];
        for (int c = 0; c < columns; c++)
        {
            double m = means[c] / rows;
            double variance = Math.Max(0, squares[c] / rows - m * m);
            mean[c] = (float)m;
            std[c] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }
        return new Standardizer(mean, std);
    }

    /// <summary>A standardised copy of <paramref name="values"/>.</summary>
    public float[] Transform(float[] values)
    {
        int columns = Means.Length;
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = (values[i] - Means[i % columns]) / StandardDeviations[i % columns];
        return result;
    }
}
