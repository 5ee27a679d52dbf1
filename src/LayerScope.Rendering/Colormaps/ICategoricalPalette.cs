using ScottPlot;

namespace LayerScope.Rendering.Colormaps;

/// <summary>Colors for unordered categories (classes, series). Kept tiny on purpose; helpers such as
/// <see cref="CategoricalPaletteExtensions.GetColors"/> are extension methods.</summary>
public interface ICategoricalPalette
{
    /// <summary>A short name for menus and logs.</summary>
    string Name { get; }

    /// <summary>Returns the color of category <paramref name="index"/> (0 or more). Implementations cycle when the
    /// index is beyond their own colors, so every index has a color.</summary>
    Color GetColor(int index);
}
