namespace LayerScope.Rendering.PlotData;

/// <summary>One value per character of a text, shown as each character's background color in a report's text view:
/// a cell's state while a network reads the text.</summary>
/// <param name="Label">What the values are ("lstm2 cell 17: in string, r = 0.81").</param>
/// <param name="Values">One value per character (UTF-16 code unit). Colors run from blue (most negative) through white
/// (0) to red (most positive), scaled by the largest |value|; non-finite values show as 0.</param>
public sealed record TextTrace(string Label, double[] Values);
