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
        // Each row is the merge of its out-edges (sorted by neighbour here) and its in-edges (already in increasing
        // source order). Two passes over the same merge: the first counts each row's distinct neighbours, the second
        // writes them straight into the final arrays, so no upper-bound-sized copy of P is ever held (at 1,000,000
        // points with k = 90 that copy was 1.4 GB on top of P's own 1 GB).
        var used = new int[n];
        double scale = 1.0 / (2.0 * n);
        int[] offsets = new int[n + 1];
        int[] finalColumns = [];
        float[] finalValues = [];
        for (int pass = 0; pass < 2; pass++)
        {
            bool write = pass == 1;
            ReductionThreads.ForChunks(n, 512, threads, (_, start, end) =>
            {
                var keys = new int[k];
                var vals = new float[k];
                for (int i = start; i < end; i++)
                {
                    graph.NeighborsOf(i).CopyTo(keys);
                    conditional.AsSpan(i * k, k).CopyTo(vals);
                    Array.Sort(keys, vals);
                    int from = inCount[i], incoming = inCount[i + 1] - from;
                    int written = MergeRow(i, keys, vals, inSource.AsSpan(from, incoming), inValue.AsSpan(from, incoming), scale,
                        write ? finalColumns.AsSpan(offsets[i], used[i]) : default, write ? finalValues.AsSpan(offsets[i], used[i]) : default, write);
                    used[i] = written;
                }
            });
            if (write) break;
            for (int i = 0; i < n; i++) offsets[i + 1] = offsets[i] + used[i];
            finalColumns = new int[offsets[n]];
            finalValues = new float[offsets[n]];
        }
        return new TsneAffinities(n, offsets, finalColumns, finalValues);
    }

    /// <summary>Merges one row's out-edges and in-edges (each sorted by neighbour) into distinct columns, skipping the
    /// diagonal and adding p(j | i) and p(i | j), each scaled by 1 / 2N, where both are present. Returns the number of
    /// distinct columns; writes them only when <paramref name="write"/> is set.</summary>
    private static int MergeRow(int i, ReadOnlySpan<int> outKeys, ReadOnlySpan<float> outValues, ReadOnlySpan<int> inKeys,
        ReadOnlySpan<float> inValues, double scale, Span<int> columns, Span<float> values, bool write)
    {
        int a = 0, b = 0, written = 0, last = -1;
        while (a < outKeys.Length || b < inKeys.Length)
        {
            int key;
            float value;
            if (b >= inKeys.Length || (a < outKeys.Length && outKeys[a] <= inKeys[b])) { key = outKeys[a]; value = outValues[a++]; }
            else { key = inKeys[b]; value = inValues[b++]; }
            if (key == i) continue;
            if (written > 0 && last == key)
            {
                if (write) values[written - 1] += (float)(value * scale);
            }
            else
            {
                if (write) { columns[written] = key; values[written] = (float)(value * scale); }
                written++;
                last = key;
            }
        }
        return written;
    }
}
