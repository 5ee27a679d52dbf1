namespace LayerScope.Reduction.Umap;

/// <summary>
/// Renumbers a graph's vertices along a Hilbert curve through their layout, so that points near each other in the
/// layout get near numbers. The SGD then splits the numbers into a few fixed blocks and moves the points of a block in
/// place (<see cref="UmapLayoutOptimizer"/>): with this order most of a point's graph neighbours share its block, so
/// most pulls see where the neighbour already went this epoch, as umap-learn's in-place updates do.
/// </summary>
/// <remarks>D. Hilbert, "Über die stetige Abbildung einer Linie auf ein Flächenstück", Math. Ann. 38, 1891; the index
/// is computed by the quadrant-by-quadrant rotate-and-reflect walk (A. R. Butz, IEEE Trans. Computers C-20, 1971).</remarks>
internal static class LayoutLocality
{
    private const int Bits = 16;

    /// <summary>The vertices in curve order: <c>order[new] = old</c>. One dimension sorts by the coordinate; more than
    /// two follow the curve through the first two.</summary>
    public static int[] HilbertOrder(float[] positions, int count, int dims)
    {
        var order = new int[count];
        if (dims == 1)
        {
            for (int i = 0; i < count; i++) order[i] = i;
            Array.Sort(positions.AsSpan(0, count).ToArray(), order);
            return order;
        }
        float lowX = float.PositiveInfinity, highX = float.NegativeInfinity, lowY = float.PositiveInfinity, highY = float.NegativeInfinity;
        for (int i = 0; i < count; i++)
        {
            float x = positions[i * dims], y = positions[i * dims + 1];
            lowX = Math.Min(lowX, x); highX = Math.Max(highX, x);
            lowY = Math.Min(lowY, y); highY = Math.Max(highY, y);
        }
        var keys = new long[count];
        const uint side = 1u << Bits;
        double scaleX = highX > lowX ? (side - 1) / (double)(highX - lowX) : 0;
        double scaleY = highY > lowY ? (side - 1) / (double)(highY - lowY) : 0;
        for (int i = 0; i < count; i++)
        {
            uint x = (uint)((positions[i * dims] - lowX) * scaleX), y = (uint)((positions[i * dims + 1] - lowY) * scaleY);
            // Ties (equal cells) keep the old order: the key (under 2^32 · count) ends with the old number.
            keys[i] = (long)HilbertIndex(x, y) * count + i;
            order[i] = i;
        }
        Array.Sort(keys, order);
        return order;
    }

    /// <summary>The distance along the curve of cell (x, y) of a 2^16 × 2^16 grid.</summary>
    internal static ulong HilbertIndex(uint x, uint y)
    {
        const uint last = (1u << Bits) - 1;
        ulong d = 0;
        for (uint s = 1u << (Bits - 1); s > 0; s >>= 1)
        {
            uint rx = (x & s) != 0 ? 1u : 0u, ry = (y & s) != 0 ? 1u : 0u;
            d += (ulong)s * s * ((3 * rx) ^ ry);
            // Turn the quadrant so the curve inside it starts where the previous one ended.
            if (ry == 0)
            {
                if (rx == 1) { x = last - x; y = last - y; }
                (x, y) = (y, x);
            }
        }
        return d;
    }

    /// <summary>The compressed-row graph (offsets, columns and one per-edge value) in the new numbering of
    /// <paramref name="order"/>; each row keeps its edges in their old order.</summary>
    public static (int[] Offsets, int[] Columns, float[] Values) Renumber(int[] offsets, int[] columns, float[] values, int[] order)
    {
        int count = order.Length;
        var rank = new int[count];
        for (int v = 0; v < count; v++) rank[order[v]] = v;
        var newOffsets = new int[count + 1];
        var newColumns = new int[columns.Length];
        var newValues = new float[values.Length];
        int fill = 0;
        for (int v = 0; v < count; v++)
        {
            int old = order[v];
            for (int e = offsets[old]; e < offsets[old + 1]; e++)
            {
                newColumns[fill] = rank[columns[e]];
                newValues[fill++] = values[e];
            }
            newOffsets[v + 1] = fill;
        }
        return (newOffsets, newColumns, newValues);
    }
}
