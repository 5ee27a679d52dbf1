using System.Globalization;

namespace LayerScope.Rendering;

/// <summary>
/// The one place a character becomes a label a person can see: a tick on a heatmap's character axis, a next-character
/// guess in a tooltip. Characters that draw as nothing (space, newline, tab, other controls, invisible format
/// characters) get a visible stand-in, so an axis over "if (a)\n  b" shows "i f ␣ ( a ) ↵ ␣ ␣ b" rather than empty
/// boxes and gaps.
/// </summary>
/// <remarks>
/// Every stand-in is drawn by DejaVu Sans, the font the figures prefer (checked by rendering them): the Unicode
/// Control Pictures block (U+2400..) would name every control character, but DejaVu Sans has only U+2423 of it, so the
/// other controls are shown by their short ASCII names, which every font can draw.
/// </remarks>
public static class CharacterGlyphs
{
    /// <summary>Stand-in for a space: U+2423 OPEN BOX.</summary>
    public const string Space = "\u2423";

    /// <summary>Stand-in for a line feed: U+21B5 DOWNWARDS ARROW WITH CORNER LEFTWARDS.</summary>
    public const string Newline = "\u21B5";

    /// <summary>Stand-in for a tab: U+21E5 RIGHTWARDS ARROW TO BAR.</summary>
    public const string Tab = "\u21E5";

    /// <summary>Stand-in for a no-break space: U+237D SHOULDERED OPEN BOX.</summary>
    public const string NoBreakSpace = "\u237D";

    /// <summary>The ASCII control characters 0..31 by their standard abbreviations (as in the Control Pictures block).</summary>
    private static readonly string[] ControlNames =
    [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
        "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
    ];

    /// <summary>The label that shows <paramref name="c"/>: the character itself when it draws as something, else a
    /// visible stand-in (␣ space, ↵ newline, ⇥ tab, ⍽ no-break space, "CR"/"ESC"/... for other ASCII controls, "DEL",
    /// "U+XXXX" for other invisible or unpaired characters).</summary>
    public static string Display(char c) => c switch
    {
        ' ' => Space,
        '\n' => Newline,
        '\t' => Tab,
        '\u00A0' => NoBreakSpace,
        < ' ' => ControlNames[c],
        '\u007F' => "DEL",
        _ when char.IsSurrogate(c) || IsInvisible(c) => "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
        _ => c.ToString(),
    };

    /// <summary>One label per UTF-16 code unit of <paramref name="text"/>, by <see cref="Display(char)"/>: tick labels
    /// for a character axis, one per column.</summary>
    public static IReadOnlyList<string> Labels(ReadOnlySpan<char> text)
    {
        var labels = new string[text.Length];
        for (var i = 0; i < text.Length; i++) labels[i] = Display(text[i]);
        return labels;
    }

    /// <summary>True for characters that draw no ink: C1 controls, format characters (zero-width space, BOM, ...),
    /// separators other than the ordinary space.</summary>
    private static bool IsInvisible(char c) => char.GetUnicodeCategory(c) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.SpaceSeparator
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
