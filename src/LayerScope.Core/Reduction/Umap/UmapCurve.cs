namespace LayerScope.Reduction.Umap;

/// <summary>
/// The low-dimensional similarity 1 / (1 + a d^(2b)), with a and b fitted (Levenberg–Marquardt, least squares on 300
/// points in [0, 3·spread]) to the curve that is 1 below min-dist and exp(−(d − min-dist)/spread) above, as
/// umap-learn's <c>find_ab_params</c> does with scipy's <c>curve_fit</c>.
/// </summary>
public static class UmapCurve
{
    /// <summary>a and b for <paramref name="minDist"/> and <paramref name="spread"/>.</summary>
    public static (double A, double B) Fit(double minDist, double spread)
    {
        const int count = 300;
        var x = new double[count];
        var target = new double[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = 3 * spread * i / (count - 1);
            target[i] = x[i] < minDist ? 1 : Math.Exp(-(x[i] - minDist) / spread);
        }
        double a = 1, b = 1, lambda = 1e-3;
        double Cost(double pa, double pb)
        {
            double sum = 0;
            for (int i = 0; i < count; i++) { double r = 1 / (1 + pa * Math.Pow(x[i], 2 * pb)) - target[i]; sum += r * r; }
            return sum;
        }
        double cost = Cost(a, b);
        for (int iteration = 0; iteration < 200; iteration++)
        {
            double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
            for (int i = 0; i < count; i++)
            {
                if (x[i] <= 0) continue;
                double p = Math.Pow(x[i], 2 * b);
                double f = 1 / (1 + a * p);
                double r = f - target[i];
                double da = -p * f * f;
                double db = -a * p * 2 * Math.Log(x[i]) * f * f;
                jaa += da * da; jab += da * db; jbb += db * db;
                ga += da * r; gb += db * r;
            }
            double m00 = jaa * (1 + lambda), m11 = jbb * (1 + lambda), det = m00 * m11 - jab * jab;
            double stepA = -(m11 * ga - jab * gb) / det, stepB = -(m00 * gb - jab * ga) / det;
            double next = Cost(a + stepA, b + stepB);
            if (next < cost)
            {
                bool converged = cost - next < 1e-14;
                a += stepA; b += stepB; cost = next; lambda /= 10;
                if (converged) break;
            }
            else
            {
                lambda *= 10;
                if (lambda > 1e10) break;
            }
        }
        return (a, b);
    }
}
