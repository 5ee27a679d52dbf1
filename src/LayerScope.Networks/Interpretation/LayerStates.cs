namespace LayerScope.Interpretation;

/// <summary>One layer's per-step states over a passage: <paramref name="Steps"/> rows of <paramref name="Units"/>
/// values, row-major.</summary>
/// <param name="Layer">The layer's name ("lstm1").</param>
/// <param name="Values">Steps x units, row-major.</param>
/// <param name="Steps">Rows: one per character.</param>
/// <param name="Units">Columns: one per cell.</param>
public sealed record LayerStates(string Layer, float[] Values, int Steps, int Units)
{
    /// <summary>Unit <paramref name="unit"/>'s value at every step.</summary>
    public double[] Unit(int unit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unit);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(unit, Units);
        var result = new double[Steps];
        for (int t = 0; t < Steps; t++) result[t] = Values[(long)t * Units + unit];
        return result;
    }
}
