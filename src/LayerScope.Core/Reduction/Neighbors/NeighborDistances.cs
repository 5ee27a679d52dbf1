using System.Numerics;
using System.Runtime.InteropServices;

namespace LayerScope.Reduction.Neighbors;

/// <summary>Exact distances between single rows, vectorised; used to refine candidate lists.</summary>
internal static class NeighborDistances
{
    /// <summary>Squared Euclidean distance.</summary>
    public static float SquaredEuclidean(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        float sum = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (int v = 0; v < va.Length; v++) { var diff = va[v] - vb[v]; acc += diff * diff; }
            sum = Vector.Sum(acc);
            i = va.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++) { float diff = a[i] - b[i]; sum += diff * diff; }
        return sum;
    }

    /// <summary>Squared Euclidean distances from <paramref name="a"/> to four rows of its length laid end to end in
    /// <paramref name="four"/>, into <paramref name="result"/>[0..4]: each the same sum, in the same order, as
    /// <see cref="SquaredEuclidean"/> gives, with a's vectors loaded once for the four.</summary>
    public static void SquaredEuclidean4(ReadOnlySpan<float> a, ReadOnlySpan<float> four, Span<float> result)
    {
        int d = a.Length, i = 0;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (Vector.IsHardwareAccelerated && d >= Vector<float>.Count)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var v0 = MemoryMarshal.Cast<float, Vector<float>>(four.Slice(0, d));
            var v1 = MemoryMarshal.Cast<float, Vector<float>>(four.Slice(d, d));
            var v2 = MemoryMarshal.Cast<float, Vector<float>>(four.Slice(2 * d, d));
            var v3 = MemoryMarshal.Cast<float, Vector<float>>(four.Slice(3 * d, d));
            Vector<float> acc0 = Vector<float>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
            for (int v = 0; v < va.Length; v++)
            {
                var x = va[v];
                var e0 = x - v0[v]; acc0 += e0 * e0;
                var e1 = x - v1[v]; acc1 += e1 * e1;
                var e2 = x - v2[v]; acc2 += e2 * e2;
                var e3 = x - v3[v]; acc3 += e3 * e3;
            }
            s0 = Vector.Sum(acc0); s1 = Vector.Sum(acc1); s2 = Vector.Sum(acc2); s3 = Vector.Sum(acc3);
            i = va.Length * Vector<float>.Count;
        }
        for (; i < d; i++)
        {
            float x = a[i], e0 = x - four[i], e1 = x - four[d + i], e2 = x - four[2 * d + i], e3 = x - four[3 * d + i];
            s0 += e0 * e0; s1 += e1 * e1; s2 += e2 * e2; s3 += e3 * e3;
        }
        result[0] = s0; result[1] = s1; result[2] = s2; result[3] = s3;
    }

    /// <summary>Dot product.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        float sum = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (int v = 0; v < va.Length; v++) acc += va[v] * vb[v];
            sum = Vector.Sum(acc);
            i = va.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>The distance under <paramref name="metric"/>; for cosine the rows must already be unit length (or
    /// zero).</summary>
    public static float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b, DistanceMetric metric) =>
        metric == DistanceMetric.Euclidean ? MathF.Sqrt(SquaredEuclidean(a, b)) : Math.Max(0f, 1f - Dot(a, b));

    /// <summary>A copy of <paramref name="x"/> with unit-length rows (zero rows stay zero).</summary>
    public static DenseMatrix Normalized(DenseMatrix x, int threads)
    {
        var result = new float[x.Values.LongLength];
        ReductionThreads.ForChunks(x.Rows, 1024, threads, (_, start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                var row = x.Row(i);
                float norm = MathF.Sqrt(Dot(row, row));
                var target = result.AsSpan(i * x.Columns, x.Columns);
                if (norm > 0) for (int j = 0; j < row.Length; j++) target[j] = row[j] / norm;
            }
        });
        return new DenseMatrix(result, x.Rows, x.Columns);
    }

    /// <summary>Writes the positions of the <paramref name="indices"/>.Length smallest values of <paramref name="row"/>
    /// (in no particular order) and their values. A max-heap holds the current best; whole vectors of values that
    /// cannot enter it are skipped with one comparison.</summary>
    public static void SelectSmallest(ReadOnlySpan<float> row, Span<int> indices, Span<float> values)
    {
        int take = indices.Length;
        for (int i = 0; i < take; i++) { indices[i] = i; values[i] = row[i]; }
        for (int i = take / 2 - 1; i >= 0; i--) SiftDown(indices, values, i);
        float threshold = values[0];
        int j = take;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            for (; j + width <= row.Length; j += width)
            {
                var block = new Vector<float>(row.Slice(j, width));
                if (!Vector.LessThanAny(block, new Vector<float>(threshold))) continue;
                for (int c = j; c < j + width; c++)
                {
                    if (row[c] < threshold)
                    {
                        indices[0] = c;
                        values[0] = row[c];
                        SiftDown(indices, values, 0);
                        threshold = values[0];
                    }
                }
            }
        }
        for (; j < row.Length; j++)
        {
            if (row[j] < threshold)
            {
                indices[0] = j;
                values[0] = row[j];
                SiftDown(indices, values, 0);
                threshold = values[0];
            }
        }
    }

    /// <summary>As <see cref="SelectSmallest"/>, for long rows where many values enter: the values below a running
    /// threshold are appended to a buffer of 4 × take, and a full buffer is cut to its take smallest by one quickselect
    /// (C. A. R. Hoare, "Algorithm 65: Find", CACM 1961), which lowers the threshold. Ties at the boundary go to the
    /// lower position, always (the heap's choice among equal values depends on its layout). It was written to spare
    /// the heap's sift-down per entering value on rows of 8,000 GEMM scores with 99 taken, but by perf it costs about
    /// what the heap did there: selection is still about 30 % of the cell search's time at 50,000 points.</summary>
    public static void SelectSmallestBuffered(ReadOnlySpan<float> row, Span<int> indices, Span<float> values)
    {
        int take = indices.Length;
        if (take >= row.Length)
        {
            for (int i = 0; i < row.Length; i++) { indices[i] = i; values[i] = row[i]; }
            return;
        }
        int cap = Math.Max(4 * take, take + 64);
        Span<int> bufferIndex = cap <= 1024 ? stackalloc int[cap] : new int[cap];
        Span<float> bufferValue = cap <= 1024 ? stackalloc float[cap] : new float[cap];
        Span<float> scratch = cap <= 1024 ? stackalloc float[cap] : new float[cap];
        int count = 0, j = 0;
        float threshold = float.PositiveInfinity;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            for (; j + width <= row.Length; j += width)
            {
                if (!Vector.LessThanAny(new Vector<float>(row.Slice(j, width)), new Vector<float>(threshold))) continue;
                for (int c = j; c < j + width; c++)
                {
                    if (row[c] >= threshold) continue;
                    bufferIndex[count] = c; bufferValue[count] = row[c];
                    if (++count == cap) count = Cut(bufferIndex, bufferValue, scratch, count, take, out threshold);
                }
            }
        }
        for (; j < row.Length; j++)
        {
            if (row[j] >= threshold) continue;
            bufferIndex[count] = j; bufferValue[count] = row[j];
            if (++count == cap) count = Cut(bufferIndex, bufferValue, scratch, count, take, out threshold);
        }
        if (count > take) Cut(bufferIndex, bufferValue, scratch, count, take, out _);
        bufferIndex[..take].CopyTo(indices);
        bufferValue[..take].CopyTo(values);
    }

    /// <summary>Keeps the <paramref name="take"/> smallest of the first <paramref name="count"/> buffered values (in
    /// buffer order, which is position order; ties at the boundary to the earlier) and returns take; the threshold is
    /// the largest kept value, which a later value must beat.</summary>
    internal static int Cut(Span<int> index, Span<float> value, Span<float> scratch, int count, int take, out float threshold)
    {
        value[..count].CopyTo(scratch);
        threshold = QuickSelect(scratch[..count], take - 1);
        int below = 0;
        for (int c = 0; c < count; c++) if (value[c] < threshold) below++;
        int ties = take - below, kept = 0;
        for (int c = 0; c < count; c++)
        {
            float v = value[c];
            if (v < threshold || (v == threshold && ties-- > 0)) { index[kept] = index[c]; value[kept] = v; kept++; }
        }
        return kept;
    }

    /// <summary>The <paramref name="nth"/> smallest value (0-based) of <paramref name="values"/>, which it reorders.</summary>
    private static float QuickSelect(Span<float> values, int nth)
    {
        int low = 0, high = values.Length - 1;
        while (low < high)
        {
            // Median of three as the pivot keeps sorted runs from the quadratic case.
            int middle = low + (high - low) / 2;
            if (values[middle] < values[low]) (values[middle], values[low]) = (values[low], values[middle]);
            if (values[high] < values[low]) (values[high], values[low]) = (values[low], values[high]);
            if (values[high] < values[middle]) (values[high], values[middle]) = (values[middle], values[high]);
            float pivot = values[middle];
            int i = low, j = high;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j) { (values[i], values[j]) = (values[j], values[i]); i++; j--; }
            }
            if (nth <= j) high = j;
            else if (nth >= i) low = i;
            else return values[nth];
        }
        return values[nth];
    }

    private static void SiftDown(Span<int> indices, Span<float> values, int slot)
    {
        int count = indices.Length;
        while (true)
        {
            int left = 2 * slot + 1, right = left + 1, largest = slot;
            if (left < count && values[left] > values[largest]) largest = left;
            if (right < count && values[right] > values[largest]) largest = right;
            if (largest == slot) return;
            (values[slot], values[largest]) = (values[largest], values[slot]);
            (indices[slot], indices[largest]) = (indices[largest], indices[slot]);
            slot = largest;
        }
    }

    /// <summary>Sorts <paramref name="indices"/> and <paramref name="distances"/> together by distance, then index
    /// (a stable, reproducible order).</summary>
    public static void SortByDistance(Span<int> indices, Span<float> distances)
    {
        // Insertion sort: the lists are short and nearly sorted.
        for (int a = 1; a < indices.Length; a++)
        {
            float d = distances[a];
            int idx = indices[a];
            int b = a - 1;
            while (b >= 0 && (distances[b] > d || (distances[b] == d && indices[b] > idx)))
            {
                distances[b + 1] = distances[b];
                indices[b + 1] = indices[b];
                b--;
            }
            distances[b + 1] = d;
            indices[b + 1] = idx;
        }
    }
}
