using System.Text.RegularExpressions;
using LayerScope.Rendering;
using LayerScope.Rendering.Figures;
using LayerScope.Rendering.Html;
using LayerScope.Rendering.PlotData;
using LayerScope.Testing;

namespace LayerScope.Tests.Rendering;

public sealed partial class ReportBuilderTests
{
    private const string Script = "<script>alert(1)</script>";
    private const string Img = "<img src=x onerror=alert(1)>";

    private static readonly Lazy<byte[]> Png = new(() =>
        new ScatterFigure().RenderPng(new ScatterPlotData([0, 1], [0, 1], [0, 1], ["a", "b"]), new FigureSize(120, 90)));

    [GeneratedRegex("<script[ >]", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [Fact]
    public void Hostile_text_is_escaped_everywhere_it_can_appear()
    {
        var report = new ReportBuilder(Script)
            .AddHeading(Img)
            .AddParagraph(Script)
            .AddParagraph(Img)
            .AddImage(Script + Img, Png.Value)
            .AddImageSequence(Img + Script, [(Script, Png.Value), (Img, Png.Value), ("\" onmouseover=\"alert(1)", Png.Value)])
            .AddTable([Script, Img], [[Img, Script], [Script]])
            .AddPreformatted(Script + "\n" + Img)
            .AddKeyValues([new(Script, Img)]);
        var html = report.Build();

        Assert.DoesNotContain(Script, html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Img, html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=x", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\" onmouseover=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("alert(1)</script>", html, StringComparison.Ordinal);
        // The only script element is the report's own, once.
        Assert.Single(ScriptTag().Matches(html));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_is_self_contained()
    {
        var html = new ReportBuilder("Run 1")
            .AddImage("scatter", Png.Value)
            .AddImageSequence("epochs", [("epoch 1", Png.Value)])
            .Build();
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("(src|href)=\"(?!data:)", html);
        Assert.Contains("Content-Security-Policy", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Content_security_policy_allows_exactly_the_inline_style_and_script_by_hash()
    {
        var html = new ReportBuilder("r").AddImageSequence("s", [("a", Png.Value)]).Build();
        static string Hash(string text) =>
            "sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
        var style = Regex.Match(html, "<style>(.*?)</style>", RegexOptions.Singleline).Groups[1].Value;
        var script = Regex.Match(html, "<script>(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        var policy = Regex.Match(html, "Content-Security-Policy\" content=\"([^\"]*)\"").Groups[1].Value.Replace("&#39;", "'", StringComparison.Ordinal);
        Assert.Contains($"style-src '{Hash(style)}'", policy, StringComparison.Ordinal);
        Assert.Contains($"script-src '{Hash(script)}'", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_without_a_sequence_has_no_script()
    {
        var html = new ReportBuilder("Plain").AddParagraph("text").AddImage("one", Png.Value).Build();
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_is_embedded_as_a_base64_data_uri_with_its_size()
    {
        var html = new ReportBuilder("r").AddImage("caption", Png.Value).Build();
        Assert.Contains($"src=\"data:image/png;base64,{Convert.ToBase64String(Png.Value)}\"", html, StringComparison.Ordinal);
        Assert.Contains("width=\"120\" height=\"90\"", html, StringComparison.Ordinal);
        Assert.Contains("<figcaption>caption</figcaption>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_sequence_contains_every_frame_in_order_with_a_slider()
    {
        var frames = Enumerable.Range(1, 5)
            .Select(e => ($"epoch {e}", new ScatterFigure().RenderPng(
                new ScatterPlotData([e, 0], [0, e], [0, 1], ["a", "b"]) { Title = $"epoch {e}" }, new FigureSize(100, 80))))
            .ToList();
        var html = new ReportBuilder("r").AddImageSequence("embedding per epoch", frames).Build();

        var positions = frames.Select(f => html.IndexOf(Convert.ToBase64String(f.Item2), StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p >= 0, "A frame is missing."));
        Assert.Equal(positions.Order(), positions);
        Assert.All(frames, f => Assert.Contains($"data-label=\"{f.Item1}\"", html, StringComparison.Ordinal));
        Assert.Contains("type=\"range\" min=\"0\" max=\"4\"", html, StringComparison.Ordinal);
        Assert.Contains("<button type=\"button\">Play</button>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_sequence_and_non_png_bytes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new ReportBuilder("r").AddImageSequence("none", []));
        Assert.Throws<ArgumentException>(() => new ReportBuilder("r").AddImage("bad", [1, 2, 3]));
    }

    [Fact]
    public void Table_pads_short_rows_and_right_aligns_numbers()
    {
        var html = new ReportBuilder("r").AddTable(["class", "precision", "recall"], [["cat", "0.91", "87.5 %"], ["dog"]]).Build();
        Assert.Contains("<th scope=\"col\">class</th><th scope=\"col\">precision</th><th scope=\"col\">recall</th>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>cat</td><td class=\"num\">0.91</td><td class=\"num\">87.5 %</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>dog</td><td></td><td></td></tr>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_writes_the_document_atomically()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("report/index.html");
        var builder = new ReportBuilder("Saved").AddParagraph("hello");
        builder.Save(path);
        builder.Save(path); // overwriting leaves no temporary file either
        Assert.Equal(builder.Build(), File.ReadAllText(path));
        Assert.Equal(["index.html"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }
}
