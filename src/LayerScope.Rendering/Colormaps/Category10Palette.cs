using ScottPlot;

namespace LayerScope.Rendering.Colormaps;

/// <summary>The ten-color categorical palette of D3 and Matplotlib ("Category10" / "tab10"), the default for class
/// colors. Indices beyond 9 cycle.</summary>
public sealed class Category10Palette : ICategoricalPalette
{
    private static readonly Color[] Colors = Color.FromHex(
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ]);

    /// <summary>A shared instance; the type holds no state.</summary>
    public static Category10Palette Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "Category10";

    /// <summary>The number of distinct colors before the palette cycles.</summary>
    public static int Count => Colors.Length;

    /// <inheritdoc />
    public Color GetColor(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return Colors[index % Colors.Length];
    }
}
