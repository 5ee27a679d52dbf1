using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LayerScope.Rendering.PlotData;
using LayerScope.Storage;

namespace LayerScope.Rendering.Html;

/// <summary>
/// Builds one self-contained HTML report: inline CSS, a tiny inline script (only when an image sequence or a text view needs it),
/// images as base64 data URIs, no external resources and no network access. A Content-Security-Policy allows only the
/// report's own style and script blocks (by hash) and data-URI images, so even a mistake in escaping could not run
/// injected script. Every string given to the builder is data and goes through <see cref="HtmlText"/>.
/// </summary>
/// <remarks>Blocks appear in the order they are added. The builder can be built more than once.</remarks>
public sealed class ReportBuilder
{
    private readonly List<string> _blocks = [];
    private int _sequences;
    private int _textViews;

    /// <summary>Color levels of a text view, from most negative (b0) to most positive; b5 is 0.</summary>
    private const int Levels = 11;

    /// <summary>Starts a report whose page title and top heading are <paramref name="title"/>.</summary>
    public ReportBuilder(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        Title = title;
    }

    /// <summary>The page title and top-level heading.</summary>
    public string Title { get; }

    /// <summary>Adds a section heading; <paramref name="level"/> 2 (default) to 4, below the report's own level-1 title.
    /// Returns this builder.</summary>
    public ReportBuilder AddHeading(string text, int level = 2)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 4);
        _blocks.Add($"<h{level}>{HtmlText.Escape(text)}</h{level}>");
        return this;
    }

    /// <summary>Adds a paragraph of plain text. Returns this builder.</summary>
    public ReportBuilder AddParagraph(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _blocks.Add($"<p>{HtmlText.Escape(text)}</p>");
        return this;
    }

    /// <summary>Adds a PNG image with a caption (also its alt text). Returns this builder.</summary>
    /// <exception cref="ArgumentException"><paramref name="png"/> is not a PNG file.</exception>
    public ReportBuilder AddImage(string caption, byte[] png)
    {
        ArgumentNullException.ThrowIfNull(caption);
        var image = Image(png, caption, nameof(png));
        _blocks.Add($"<figure class=\"image\">{image}<figcaption>{HtmlText.Escape(caption)}</figcaption></figure>");
        return this;
    }

    /// <summary>
    /// Adds frames (for example one scatter per epoch) shown one at a time with a slider and a play button; each
    /// frame's label is shown beside the slider. With scripts off, all frames are shown as a labelled grid.
    /// Returns this builder.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="frames"/> is empty or a frame is not a PNG file.</exception>
    public ReportBuilder AddImageSequence(string caption, IReadOnlyList<(string Label, byte[] Png)> frames)
    {
        ArgumentNullException.ThrowIfNull(caption);
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0) throw new ArgumentException("An image sequence needs at least one frame.", nameof(frames));

        var id = ++_sequences;
        var html = new StringBuilder();
        html.Append("<figure class=\"sequence\" data-sequence>");
        html.Append("<div class=\"controls\" hidden>");
        html.Append("<button type=\"button\">Play</button>");
        html.Append(CultureInfo.InvariantCulture,
            $"<input type=\"range\" min=\"0\" max=\"{frames.Count - 1}\" step=\"1\" value=\"0\" aria-label=\"Frame\" id=\"sequence-{id}\">");
        html.Append(CultureInfo.InvariantCulture, $"<output for=\"sequence-{id}\"></output>");
        html.Append("</div><div class=\"frames\">");
        for (var i = 0; i < frames.Count; i++)
        {
            var (label, png) = frames[i];
            if (label is null) throw new ArgumentException($"frames[{i}] has a null label.", nameof(frames));
            var alt = caption.Length > 0 ? $"{caption}: {label}" : label;
            var image = Image(png, alt, $"{nameof(frames)}[{i}]");
            html.Append(CultureInfo.InvariantCulture,
                $"<figure class=\"frame\" data-label=\"{HtmlText.Attribute(label)}\">{image}<figcaption>{HtmlText.Escape(label)}</figcaption></figure>");
        }
        html.Append("</div>");
        html.Append(CultureInfo.InvariantCulture, $"<figcaption>{HtmlText.Escape(caption)}</figcaption></figure>");
        _blocks.Add(html.ToString());
        return this;
    }

    /// <summary>
    /// Adds a text view: <paramref name="text"/> in a monospace block, each character on a background colored by one
    /// trace (blue negative, white 0, red positive), with a picker to choose the trace and, when
    /// <paramref name="hoverTexts"/> is given, a tooltip per character (for example the top next-character predictions).
    /// Every character is escaped; the text is data. With scripts off, the first trace is shown. Returns this builder.
    /// </summary>
    /// <exception cref="ArgumentException">No trace is given, or a trace or the hover texts do not have one entry per
    /// character.</exception>
    public ReportBuilder AddTextView(string caption, string text, IReadOnlyList<TextTrace> traces, IReadOnlyList<string>? hoverTexts = null)
    {
        ArgumentNullException.ThrowIfNull(caption);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(traces);
        if (traces.Count == 0) throw new ArgumentException("A text view needs at least one trace.", nameof(traces));
        for (var k = 0; k < traces.Count; k++)
        {
            if (traces[k] is null || traces[k].Label is null || traces[k].Values is null) throw new ArgumentException($"traces[{k}] or its label or values is null.", nameof(traces));
            if (traces[k].Values.Length != text.Length)
                throw new ArgumentException($"traces[{k}] has {traces[k].Values.Length} values but the text has {text.Length} characters; they must match.", nameof(traces));
        }
        if (hoverTexts is not null && hoverTexts.Count != text.Length)
            throw new ArgumentException($"There are {hoverTexts.Count} hover texts but the text has {text.Length} characters; they must match.", nameof(hoverTexts));

        var id = ++_textViews;
        var bins = traces.Select(t => Bins(t.Values)).ToList();
        var html = new StringBuilder(text.Length * 24 + bins.Sum(b => b.Length) + 512);
        html.Append("<figure class=\"textview\" data-textview>");
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"controls\" hidden><label for=\"textview-{id}\">Color by</label><select id=\"textview-{id}\">");
        for (var k = 0; k < traces.Count; k++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<option value=\"{k}\" data-bins=\"{HtmlText.Attribute(bins[k])}\">{HtmlText.Escape(traces[k].Label)}</option>");
        }
        html.Append("</select></div><div class=\"chars\">");
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            string shown;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) shown = text.Substring(i, 2);
            else if (char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1])) shown = ""; // drawn with its pair
            else if (char.IsSurrogate(c)) shown = "\uFFFD";
            else shown = c.ToString();
            html.Append("<span class=\"b").Append(bins[0][i] - 'a').Append('"');
            if (hoverTexts is not null) html.Append(" title=\"").Append(HtmlText.Attribute(hoverTexts[i] ?? "")).Append('"');
            html.Append('>').Append(HtmlText.Escape(shown)).Append("</span>");
        }
        html.Append("</div><div class=\"scale\" aria-hidden=\"true\">");
        for (var level = 0; level < Levels; level++)
            html.Append(CultureInfo.InvariantCulture, $"<span class=\"b{level}\">{(level == 0 ? "−" : level == Levels - 1 ? "+" : level == Levels / 2 ? "0" : "\u00a0")}</span>");
        html.Append("</div>");
        html.Append("<figcaption>").Append(HtmlText.Escape(caption)).Append(" <span class=\"showing\">").Append(HtmlText.Escape(traces[0].Label)).Append("</span></figcaption></figure>");
        _blocks.Add(html.ToString());
        return this;
    }

    /// <summary>
    /// Adds a table. <paramref name="header"/> may be empty (no header row). Rows shorter than the widest row are padded
    /// with empty cells. Cells that read as numbers (optionally with a % sign) are right-aligned. Returns this builder.
    /// </summary>
    public ReportBuilder AddTable(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var width = header.Count;
        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r] is null) throw new ArgumentException($"rows[{r}] is null.", nameof(rows));
            width = Math.Max(width, rows[r].Count);
        }

        var html = new StringBuilder("<div class=\"table-wrap\"><table>");
        if (header.Count > 0)
        {
            html.Append("<thead><tr>");
            for (var c = 0; c < width; c++)
            {
                var text = c < header.Count ? header[c] ?? "" : "";
                html.Append("<th scope=\"col\">").Append(HtmlText.Escape(text)).Append("</th>");
            }
            html.Append("</tr></thead>");
        }
        html.Append("<tbody>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            for (var c = 0; c < width; c++)
            {
                var text = c < row.Count ? row[c] ?? "" : "";
                html.Append(LooksNumeric(text) ? "<td class=\"num\">" : "<td>").Append(HtmlText.Escape(text)).Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table></div>");
        _blocks.Add(html.ToString());
        return this;
    }

    /// <summary>Adds preformatted text (a log, a model summary) in a monospace block, keeping line breaks and spaces.
    /// Returns this builder.</summary>
    public ReportBuilder AddPreformatted(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _blocks.Add($"<pre>{HtmlText.Escape(text)}</pre>");
        return this;
    }

    /// <summary>Adds key/value pairs (run settings, data-set facts) as a two-column list, in the given order. Returns
    /// this builder.</summary>
    public ReportBuilder AddKeyValues(IEnumerable<KeyValuePair<string, string>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var html = new StringBuilder("<dl class=\"kv\">");
        foreach (var (key, value) in items)
        {
            html.Append("<dt>").Append(HtmlText.Escape(key ?? "")).Append("</dt><dd>").Append(HtmlText.Escape(value ?? "")).Append("</dd>");
        }
        html.Append("</dl>");
        _blocks.Add(html.ToString());
        return this;
    }

    /// <summary>Returns the complete HTML document.</summary>
    public string Build()
    {
        var needsScript = _sequences > 0 || _textViews > 0;
        var policy = $"default-src 'none'; img-src data:; style-src '{Sha256(ReportAssets.Css)}'"
            + (needsScript ? $"; script-src '{Sha256(ReportAssets.Script)}'" : "")
            + "; base-uri 'none'; form-action 'none'";

        var html = new StringBuilder(1024 + _blocks.Sum(b => b.Length));
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(HtmlText.Attribute(policy)).Append("\">\n");
        html.Append("<meta name=\"generator\" content=\"LayerScope\">\n");
        html.Append("<title>").Append(HtmlText.Escape(Title)).Append("</title>\n");
        html.Append("<style>").Append(ReportAssets.Css).Append("</style>\n</head>\n<body>\n<main>\n");
        html.Append("<h1>").Append(HtmlText.Escape(Title)).Append("</h1>\n");
        foreach (var block in _blocks) html.Append(block).Append('\n');
        html.Append("</main>\n");
        if (needsScript) html.Append("<script>").Append(ReportAssets.Script).Append("</script>\n");
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Writes <see cref="Build"/>'s document to <paramref name="path"/> as UTF-8, atomically (through
    /// <see cref="AtomicFile"/>), creating the folder when needed.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.WriteAllText(path, Build());
    }

    /// <summary>Returns an img element with the PNG as a data URI and its pixel size, or throws when it is not a PNG.</summary>
    private static string Image(byte[] png, string alt, string parameter)
    {
        if (png is null) throw new ArgumentNullException(parameter);
        if (!PngHeader.TryReadSize(png, out var width, out var height))
            throw new ArgumentException($"{parameter} is not a PNG file (no PNG signature and IHDR header).", parameter);
        return string.Create(CultureInfo.InvariantCulture,
            $"<img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\" width=\"{width}\" height=\"{height}\" alt=\"{HtmlText.Attribute(alt)}\" loading=\"lazy\">");
    }

    /// <summary>One letter per value, 'a' (most negative) to 'k' (most positive), 'f' for 0, scaled by the largest |value|.</summary>
    private static string Bins(double[] values)
    {
        var scale = 0.0;
        foreach (var v in values) if (double.IsFinite(v)) scale = Math.Max(scale, Math.Abs(v));
        var chars = new char[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = double.IsFinite(values[i]) && scale > 0 ? values[i] / scale : 0;
            var level = (int)Math.Round((v + 1) / 2 * (Levels - 1));
            chars[i] = (char)('a' + Math.Clamp(level, 0, Levels - 1));
        }
        return new string(chars);
    }

    private static bool LooksNumeric(string text)
    {
        var span = text.AsSpan().Trim();
        if (span.EndsWith("%")) span = span[..^1].TrimEnd();
        return span.Length > 0 && double.TryParse(span, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out _);
    }

    /// <summary>Returns the CSP source expression for an inline block: sha256-BASE64 of its UTF-8 text.</summary>
    private static string Sha256(string text) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
