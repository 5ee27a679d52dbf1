using System.Text;

namespace LayerScope.Rendering.Html;

/// <summary>
/// The one place where text from data (class names, layer names, file names, captions, table cells) is escaped for
/// HTML. <see cref="ReportBuilder"/> sends every such string through here; nothing else writes data text into the
/// report. Escaping the five characters &amp; &lt; &gt; " ' makes the text safe both as element content and inside a
/// double- or single-quoted attribute value.
/// </summary>
public static class HtmlText
{
    /// <summary>Returns <paramref name="text"/> with &amp; &lt; &gt; " ' replaced by character references, for use as
    /// element content. Returns the same instance when nothing needs escaping.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = text.AsSpan().IndexOfAny("&<>\"'");
        if (first < 0) return text;
        var builder = new StringBuilder(text.Length + 16);
        builder.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\'': builder.Append("&#39;"); break;
                default: builder.Append(c); break;
            }
        }
        return builder.ToString();
    }

    /// <summary>Returns <paramref name="value"/> escaped for use inside a quoted attribute value (the caller writes the
    /// quotes). Line breaks become character references so the attribute stays on one line.</summary>
    public static string Attribute(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var escaped = Escape(value);
        return escaped.Contains('\n', StringComparison.Ordinal) || escaped.Contains('\r', StringComparison.Ordinal)
            ? escaped.Replace("\r", "&#13;", StringComparison.Ordinal).Replace("\n", "&#10;", StringComparison.Ordinal)
            : escaped;
    }
}
