using LayerScope.Errors;
using LayerScope.Reduction.Neighbors;

namespace LayerScope.Reduction.Tsne;

/// <summary>
/// t-SNE's input affinities: for each point a Gaussian over its k nearest neighbours whose bandwidth is found by
/// binary search so that the distribution's perplexity 2^H equals the requested one; then P = (P_cond + P_condᵀ) / 2N.
/// </summary>
/// <remarks>L. van der Maaten and G. Hinton, "Visualizing data using t-SNE", JMLR 9, 2008 (perplexity calibration);
/// L. van der Maaten, "Accelerating t-SNE using tree-based algorithms", JMLR 15, 2014 (3 × perplexity nearest
/// neighbours only).</remarks>
public static class PerplexityAffinities
{
    /// <summary>Affinities from a precomputed neighbour graph (for example one's own, or a <see cref="KnnGraph"/> from
    /// another stage). Uses every neighbour in the graph.</summary>
    /// <exception cref="InvalidSettingsException">The perplexity is not below the number of neighbours.</exception>
    public static TsneAffinities FromGraph(KnnGraph graph, double perplexity, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var conditional = ConditionalRows(graph, perplexity, threads);
        return Symmetrize(graph, conditional, threads);
    }

    /// <summary>The conditional probabilities p(j | i) over each row's neighbours (Count × K, each row summing to 1),
    /// calibrated to <paramref name="perplexity"/>. Rows of new points against a fitted embedding use this too.</summary>
    public static float[] ConditionalRows(KnnGraph graph, double perplexity, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (!(perplexity > 0) || perplexity >= graph.K + 1)
            throw new InvalidSettingsException([$"perplexity {perplexity} must be positive and below the number of neighbours + 1 = {graph.K + 1}."]);
        int k = graph.K;
        var result = new float[(long)graph.Count * k];
        double target = Math.Log(perplexity);
        ReductionThreads.ForChunks(graph.Count, 256, threads, (_, start, end) =>
        {
            var d2 = new double[k];
            var p = new double[k];
            for (int i = start; i < end; i++)
            {
                var distances = graph.DistancesOf(i);
                double min = double.PositiveInfinity;
                for (int j = 0; j < k; j++) { d2[j] = (double)distances[j] * distances[j]; min = Math.Min(min, d2[j]); }
                // Shifting by the smallest distance changes nothing after normalising and avoids underflow.
                for (int j = 0; j < k; j++) d2[j] -= min;
                Calibrate(d2, p, target);
                var row = result.AsSpan(i * k, k);
                for (int j = 0; j < k; j++) row[j] = (float)p[j];
            }
        });
        return result;
    }

    /// <summary>Binary search on the precision β so that the entropy of p_j ∝ exp(−β d²_j) is <paramref name="target"/>
    /// nats; writes the normalised p.</summary>
    private static void Calibrate(double[] d2, double[] p, double target)
    {
        double beta = 1, low = double.NegativeInfinity, high = double.PositiveInfinity;
        for (int iteration = 0; iteration < 200; iteration++)
        {
            double sum = 0, weighted = 0;
            for (int j = 0; j < d2.Length; j++)
            {
                p[j] = Math.Exp(-beta * d2[j]);
                sum += p[j];
                weighted += d2[j] * p[j];
            }
            double entropy = Math.Log(sum) + beta * weighted / sum;
            double difference = entropy - target;
            if (Math.Abs(difference) < 1e-6) break;
            if (difference > 0)
            {
                low = beta;
                beta = double.IsPositiveInfinity(high) ? beta * 2 : (beta + high) / 2;
            }
            else
            {
                high = beta;
                beta = double.IsNegativeInfinity(low) ? beta / 2 : (beta + low) / 2;
            }
        }
        double total = 0;
        for (int j = 0; j < d2.Length; j++) { p[j] = Math.Exp(-beta * d2[j]); total += p[j]; }
        for (int j = 0; j < d2.Length; j++) p[j] /= total;
    }

    /// <summary>P = (P_cond + P_condᵀ) / 2N as compressed rows, columns sorted, duplicates merged.</summary>
    internal static TsneAffinities Symmetrize(KnnGraph graph, float[] conditional, int threads)
    {
        int n = graph.Count, k = graph.K;
        // Incoming edges of each point, in increasing source order (a sequential pass keeps this deterministic).
        var inCount = new int[n + 1];
        foreach (int j in graph.Indices) inCount[j + 1]++;
        for (int j = 0; j < n; j++) inCount[j + 1] += inCount[j];
        var inSource = new int[graph.Indices.Length];
        var inValue = new float[graph.Indices.Length];
        var fill = (int[])inCount.Clone();
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < k; c++)
            {
                int j = graph.Indices[i * k + c];
                int slot = fill[j]++;
                inSource[slot] = i;
                inValue[slot] = conditional[i * k + c];
            }
        }
        // Upper bound per row: out-degree + in-degree; merged in place, then compacted.
        var bound = new int[n + 1];
        for (int i = 0; i < n; i++) bound[i + 1] = bound[i] + k + (inCount[i + 1] - inCount[i]);
        var columns = new int[bound[n]];
        var values = new float[bound[n]];
        var used = new int[n];
        double scale = 1.0 / (2.0 * n);
        ReductionThreads.ForChunks(n, 512, threads, (_, start, end) =>
        {
            var keys = new int[bound.Length > 0 ? 2 * k + 64 : 0];
            var vals = new double[keys.Length];
            for (int i = start; i < end; i++)
            {
                int incoming = inCount[i + 1] - inCount[i];
                int total = k + incoming;
                if (keys.Length < total) { keys = new int[total * 2]; vals = new double[total * 2]; }
                for (int c = 0; c < k; c++) { keys[c] = graph.Indices[i * k + c]; vals[c] = conditional[i * k + c]; }
                for (int c = 0; c < incoming; c++) { keys[k + c] = inSource[inCount[i] + c]; vals[k + c] = inValue[inCount[i] + c]; }
                Array.Sort(keys, vals, 0, total);
                int written = 0, offset = bound[i];
                for (int c = 0; c < total; c++)
                {
                    if (keys[c] == i) continue;
                    if (written > 0 && columns[offset + written - 1] == keys[c])
                        values[offset + written - 1] += (float)(vals[c] * scale);
                    else
                    {
                        columns[offset + written] = keys[c];
                        values[offset + written] = (float)(vals[c] * scale);
                        written++;
                    }
                }
                used[i] = written;
            }
        });
        var offsets = new int[n + 1];
        for (int i = 0; i < n; i++) offsets[i + 1] = offsets[i] + used[i];
        var finalColumns = new int[offsets[n]];
        var finalValues = new float[offsets[n]];
        for (int i = 0; i < n; i++)
        {
            Array.Copy(columns, bound[i], finalColumns, offsets[i], used[i]);
            Array.Copy(values, bound[i], finalValues, offsets[i], used[i]);
        }
        return new TsneAffinities(n, offsets, finalColumns, finalValues);
    }
}
