namespace LayerScope.Rendering.PlotData;

/// <summary>How a <see cref="HeatmapData"/>'s values map to colors.</summary>
public enum HeatmapScaling
{
    /// <summary>One color range for every cell: colors compare across rows, but a row with a small range looks flat
    /// beside a row with a large one.</summary>
    Shared,

    /// <summary>Each row over its own range (divided by its largest |value| when the matrix has both signs, so zero
    /// stays the neutral color; else from its minimum to its maximum): every row's pattern is visible, colors compare
    /// only within a row.</summary>
    PerRow,
}
