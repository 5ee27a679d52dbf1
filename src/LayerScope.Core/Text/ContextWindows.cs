namespace LayerScope.Text;

/// <summary>A piece of text around one position, and where that position is inside it.</summary>
/// <param name="Text">The window.</param>
/// <param name="Start">Where the highlighted span starts in <paramref name="Text"/>.</param>
/// <param name="Length">The span's length.</param>
public readonly record struct ContextWindow(string Text, int Start, int Length);

/// <summary>For every character of a text, the text around it: what the viewer shows when a point (a character) is
/// hovered, the character highlighted.</summary>
public static class ContextWindows
{
    /// <summary>One window per character of <paramref name="text"/>: up to <paramref name="radius"/> characters on
    /// each side (fewer at the ends), the character itself highlighted.</summary>
    public static IReadOnlyList<ContextWindow> Around(string text, int radius)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        var windows = new List<ContextWindow>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            int start = Math.Max(0, i - radius), end = Math.Min(text.Length, i + radius + 1);
            windows.Add(new ContextWindow(text[start..end], i - start, 1));
        }
        return windows;
    }
}
