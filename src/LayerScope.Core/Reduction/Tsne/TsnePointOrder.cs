namespace LayerScope.Reduction.Tsne;

/// <summary>
/// A storage order of the points along a Z-order (Morton) curve of their current layout, so that points near each
/// other in the map, which are mostly each other's affinities, lie near each other in memory. The attraction then
/// reads neighbours' positions from cache instead of memory (250,000 points: 5.2 ns per affinity in input order
/// against 3 ns at 70,000, where all positions fit in cache) and the repulsion spreads onto and reads from nearby grid
/// cells. The order depends only on the positions, so results stay independent of the thread count.
/// </summary>
/// <remarks>G. M. Morton, "A computer oriented geodetic data base and a new technique in file sequencing", IBM, 1966.</remarks>
internal sealed class TsnePointOrder
{
    private TsnePointOrder(int[] pointAt, int[] slotOf, int dims)
    {
        PointAt = pointAt;
        SlotOf = slotOf;
        Dims = dims;
    }

    /// <summary>The point stored in each slot.</summary>
    public int[] PointAt { get; }

    /// <summary>The slot of each point.</summary>
    public int[] SlotOf { get; }

    public int Dims { get; }

    /// <summary>The Z-order of the first two coordinates of <paramref name="y"/> (N × dims), 16 bits each; ties keep
    /// the points' order.</summary>
    public static TsnePointOrder ZOrder(double[] y, int n, int dims)
    {
        double minX = double.PositiveInfinity, maxX = double.NegativeInfinity, minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            minX = Math.Min(minX, y[i * dims]); maxX = Math.Max(maxX, y[i * dims]);
            minY = Math.Min(minY, y[i * dims + 1]); maxY = Math.Max(maxY, y[i * dims + 1]);
        }
        double scaleX = 65535 / Math.Max(maxX - minX, 1e-300), scaleY = 65535 / Math.Max(maxY - minY, 1e-300);
        var keys = new ulong[n];
        var pointAt = new int[n];
        for (int i = 0; i < n; i++)
        {
            ulong cx = (ulong)Math.Clamp((y[i * dims] - minX) * scaleX, 0, 65535);
            ulong cy = (ulong)Math.Clamp((y[i * dims + 1] - minY) * scaleY, 0, 65535);
            // The point's index in the low 32 bits makes every key distinct, so the order is fully determined.
            keys[i] = (Spread(cx) | Spread(cy) << 1) << 32 | (uint)i;
            pointAt[i] = i;
        }
        Array.Sort(keys, pointAt);
        var slotOf = new int[n];
        for (int s = 0; s < n; s++) slotOf[pointAt[s]] = s;
        return new TsnePointOrder(pointAt, slotOf, dims);
    }

    /// <summary>Spreads the 16 low bits of <paramref name="v"/> to the even bits of 32.</summary>
    private static ulong Spread(ulong v)
    {
        v = (v | v << 8) & 0x00FF00FF;
        v = (v | v << 4) & 0x0F0F0F0F;
        v = (v | v << 2) & 0x33333333;
        return (v | v << 1) & 0x55555555;
    }

    /// <summary>Per-point rows (N × dims) in slot order.</summary>
    public double[] ToSlots(double[] byPoint)
    {
        var result = new double[byPoint.Length];
        for (int s = 0; s < PointAt.Length; s++)
            Array.Copy(byPoint, PointAt[s] * Dims, result, s * Dims, Dims);
        return result;
    }

    /// <summary>Slot-ordered rows back in point order.</summary>
    public double[] ToPoints(double[] bySlot)
    {
        var result = new double[bySlot.Length];
        for (int s = 0; s < PointAt.Length; s++)
            Array.Copy(bySlot, s * Dims, result, PointAt[s] * Dims, Dims);
        return result;
    }
}
