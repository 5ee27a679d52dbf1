using System.Text.RegularExpressions;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;

namespace LayerScope.Tests.Rendering;

public sealed partial class TextViewTests
{
    [GeneratedRegex("<script[ >]", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex("<span class=\"b(\\d+)\"( title=\"[^\"]*\")?>(.*?)</span>", RegexOptions.Singleline)]
    private static partial Regex CharacterSpan();

    private static TextTrace Ramp(string text) => new("ramp", Enumerable.Range(0, text.Length).Select(i => i - text.Length / 2.0).ToArray());

    [Fact]
    public void Script_in_the_text_is_escaped_character_by_character_and_never_runs()
    {
        const string text = "x = \"<script>alert('1')</script>\" & y > z;\n<img src=x onerror=alert(1)>";
        var html = new ReportBuilder("text").AddTextView("passage", text, [Ramp(text)], text.Select(c => $"next: {c}\"<b>").ToList()).Build();

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Single(ScriptTag().Matches(html)); // the report's own script, for the picker
        Assert.Contains("<span class=\"b0\" title=\"next: x&quot;&lt;b&gt;\">x</span>", html, StringComparison.Ordinal);
        Assert.Contains(">&lt;</span>", html, StringComparison.Ordinal);
        Assert.Contains(">&#39;</span>", html, StringComparison.Ordinal);
        Assert.Contains(">&amp;</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_character_gets_one_span_whose_unescaped_text_rebuilds_the_passage()
    {
        const string text = "if (a < b) { s = \"}\"; } // 'q' & \"r\"\n\tend.";
        var html = new ReportBuilder("text").AddTextView("passage", text, [Ramp(text), new TextTrace("flat", new double[text.Length])]).Build();
        var chars = html[html.IndexOf("<div class=\"chars\">", StringComparison.Ordinal)..];
        chars = chars[..chars.IndexOf("</div>", StringComparison.Ordinal)];

        var spans = CharacterSpan().Matches(chars);
        Assert.Equal(text.Length, spans.Count);
        Assert.Equal(text, string.Concat(spans.Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[3].Value))));
        // The first trace is drawn server-side: most negative first, most positive last.
        Assert.Equal("0", spans[0].Groups[1].Value);
        Assert.Equal("10", spans[^1].Groups[1].Value);
        Assert.Contains("data-bins=\"fffff", html, StringComparison.Ordinal); // the flat trace, for the picker
        Assert.Contains("<option value=\"1\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Traces_and_hover_texts_must_have_one_entry_per_character()
    {
        var report = new ReportBuilder("text");
        Assert.Throws<ArgumentException>(() => report.AddTextView("p", "abc", [new TextTrace("short", [1, 2])]));
        Assert.Throws<ArgumentException>(() => report.AddTextView("p", "abc", []));
        Assert.Throws<ArgumentException>(() => report.AddTextView("p", "abc", [new TextTrace("ok", [1, 2, 3])], ["a"]));
    }

    [Fact]
    public void The_script_for_the_picker_is_allowed_by_hash()
    {
        var html = new ReportBuilder("r").AddTextView("p", "ab", [new TextTrace("t", [1, -1])]).Build();
        var script = Regex.Match(html, "<script>(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        var hash = "sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(script)));
        Assert.Contains(hash, html, StringComparison.Ordinal);
        Assert.Contains("data-textview", script, StringComparison.Ordinal);
    }
}
